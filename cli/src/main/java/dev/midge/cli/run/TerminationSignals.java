package dev.midge.cli.run;

/**
 * SIGTERM and SIGINT stop the broker with exit code 0, as mosquitto's do: a stop that was asked
 * for is not a failure (the JVM's own default is 128 + the signal). The shutdown hooks still run
 * (System.exit runs them), so the broker closes as before. Through the launcher's re-launch the
 * code reaches whoever started {@code java -jar broker.jar}.
 */
public final class TerminationSignals {

    private TerminationSignals() {
    }

    @SuppressWarnings("restriction")
    public static void exitCleanly() {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> System.exit(0));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here, or the JVM runs with -Xrs: its default stays
            }
        }
    }
}
