package dev.midge.cli.launch;

/**
 * A re-launched broker ends when its launcher does. The launcher passes every catchable signal
 * on and waits, so it only ends without the broker when it was killed outright ({@code kill -9},
 * the OOM killer): the broker then stops at once too, as a {@code kill -9} of an un-relaunched
 * broker would, instead of running on detached with no one to signal it or read its exit code.
 */
public final class LauncherWatch {

    private LauncherWatch() {
    }

    /** In a re-launched broker, halts this JVM once the launcher process is gone. */
    public static void haltWithLauncher() {
        if (System.getProperty(Relaunch.MARKER) == null) {
            return;
        }
        ProcessHandle.current().parent().ifPresent(launcher -> launcher.onExit().thenRun(() -> {
            System.err.println("The launcher (pid " + launcher.pid() + ") was killed: stopping at once.");
            Runtime.getRuntime().halt(137);
        }));
    }
}
