package dev.midge.cli.launch;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The JVM options {@code java -jar broker.jar} runs the broker with, so that it is lean with no
 * flags: a JVM left to its defaults sizes its heap for a batch job (G1, an initial heap of 1/64 of
 * the RAM, regions of MiBs, malloc'd compiler memory never returned), which made an idle broker
 * 120 MiB. A user's own option of the same kind always wins: ours is then left out.
 */
public final class LeanJvmOptions {

    /**
     * Each option with the keys that, given by the user, replace it. Serial GC: a broker's live
     * heap is small and its garbage young, so a single-threaded copying collector has short pauses
     * and no per-region or concurrent-marking overhead; the heap starts small and grows only as
     * the old generation needs (10 % free at least, shrunk to 30 % free after a full GC). The
     * maximum is left to the JVM (a quarter of the RAM), so a large fleet is not capped by us.
     * TrimNativeHeapInterval returns to the OS what the JIT compilers malloc'd and freed (JDK 17.0.9+
     * and 21+; {@link #ignoreUnknown()} keeps older JDKs starting).
     */
    private static final List<Option> OPTIONS = List.of(
            new Option("-XX:+UseSerialGC", "GC"),
            new Option("-Xms16m", "Xms", "InitialHeapSize", "MinHeapSize", "InitialRAMPercentage"),
            new Option("-XX:MinHeapFreeRatio=10", "MinHeapFreeRatio"),
            new Option("-XX:MaxHeapFreeRatio=30", "MaxHeapFreeRatio"),
            new Option("-XX:+UnlockExperimentalVMOptions", "UnlockExperimentalVMOptions"),
            new Option("-XX:TrimNativeHeapInterval=5000", "TrimNativeHeapInterval"));

    private LeanJvmOptions() {
    }

    /** Our options not overridden by any of the user's (command line and JAVA_TOOL_OPTIONS alike). */
    public static List<String> notGivenIn(List<String> userOptions) {
        Set<String> given = new HashSet<>();
        for (String option : userOptions) {
            given.add(keyOf(option));
        }
        List<String> result = new ArrayList<>();
        for (Option option : OPTIONS) {
            if (java.util.Collections.disjoint(option.replacedBy(), given)) {
                result.add(option.text());
            }
        }
        return result;
    }

    /**
     * Lets a JDK that lacks one of our options start anyway. Only ours can be unknown: the user's
     * options were already accepted by the JVM that relaunches.
     */
    public static String ignoreUnknown() {
        return "-XX:+IgnoreUnrecognizedVMOptions";
    }

    /** The kind of option: "Xms", "Xmx", "Xss", "GC" for any collector choice, else the -XX name. */
    static String keyOf(String option) {
        for (String x : List.of("-Xms", "-Xmx", "-Xss", "-Xmn")) {
            if (option.startsWith(x)) {
                return x.substring(1);
            }
        }
        if (!option.startsWith("-XX:")) {
            return option;
        }
        String name = option.substring(4);
        if (name.startsWith("+") || name.startsWith("-")) {
            name = name.substring(1);
        }
        int eq = name.indexOf('=');
        if (eq >= 0) {
            name = name.substring(0, eq);
        }
        if (name.startsWith("Use") && name.endsWith("GC")) {
            return "GC";
        }
        return name;
    }

    private record Option(String text, List<String> replacedBy) {
        Option(String text, String... replacedBy) {
            this(text, List.of(replacedBy));
        }
    }
}
