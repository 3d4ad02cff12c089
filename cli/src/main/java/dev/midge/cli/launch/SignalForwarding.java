package dev.midge.cli.launch;

import java.io.IOException;

/**
 * Passes the signals a supervisor or a user sends to {@code java -jar broker.jar} on to the
 * re-launched broker, so {@code kill -HUP} reloads and {@code kill}/Ctrl-C stop it as before.
 */
final class SignalForwarding {

    private SignalForwarding() {
    }

    @SuppressWarnings("restriction")
    static void forwardTo(Process child, String... signals) {
        for (String name : signals) {
            try {
                // A signal this process was started with ignored (nohup's SIGHUP) stays ignored:
                // HotSpot keeps SIG_IGN, and the child, which inherits it, says so at start-up.
                sun.misc.Signal.handle(new sun.misc.Signal(name), new Forward(child, name));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal on this platform
            }
        }
    }

    /** A class, not a lambda: the launcher stays resident and should not load the lambda machinery. */
    private static final class Forward implements sun.misc.SignalHandler {
        private final Process child;
        private final String name;

        Forward(Process child, String name) {
            this.child = child;
            this.name = name;
        }

        @Override
        public void handle(sun.misc.Signal signal) {
            send(child, name);
        }
    }

    private static void send(Process child, String name) {
        if (name.equals("TERM")) {
            child.destroy();
            return;
        }
        // The JDK can send only SIGTERM and SIGKILL; kill(1) sends the others.
        try {
            new ProcessBuilder("kill", "-" + name, Long.toString(child.pid())).inheritIO().start();
        } catch (IOException e) {
            System.err.println("Could not pass SIG" + name + " on to the broker (pid " + child.pid() + "): "
                    + e.getMessage());
        }
    }
}
