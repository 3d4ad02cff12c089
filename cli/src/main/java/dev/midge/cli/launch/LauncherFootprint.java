package dev.midge.cli.launch;

/**
 * The launcher stays resident beside the broker for as long as it runs, only waiting, so it
 * gives back what launching needed. The JVM the user started is a default one (G1, an initial
 * heap of 1/64 of the RAM): reading the jar, building the child's command line and starting it
 * leave eden regions touched and garbage in them, which G1 neither collects nor returns while
 * nothing more is allocated. One full collection, once the broker runs, frees them and lets G1
 * shrink the heap it had committed (measured: the launcher's RSS 2-3 MiB lower; BENCHMARKS.md,
 * "Idle and fan-in RSS (h-mem)"). The launch code also avoids lambdas and streams, so the
 * launcher never loads the lambda machinery and its generated classes.
 */
final class LauncherFootprint {

    private LauncherFootprint() {
    }

    /** Once the broker JVM runs: collect what launching left, so the heap can shrink. */
    static void shrink() {
        System.gc();
    }
}
