package dev.midge.cli.soak;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The numbers a soak run ends with, printed and written to target/soak-report.txt. */
final class SoakReport {

    private final StringBuilder text = new StringBuilder();

    SoakReport line(String line) {
        text.append(line).append('\n');
        return this;
    }

    SoakReport counts(String title, Map<String, Long> counts) {
        line(title + ":");
        counts.forEach((what, count) -> line(String.format("  %9d  %s", count, what)));
        return this;
    }

    /** Heap in use after a collection, and live threads: no assertion, a number to watch over long runs. */
    static String memory() {
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        int threads = ManagementFactory.getThreadMXBean().getThreadCount();
        return String.format("heap used %.1f MB, %d live threads", heap / 1048576.0, threads);
    }

    static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }

    /** Prints the report and keeps a copy under target/ (where CI can archive it). */
    String publish() {
        String report = text.toString();
        System.out.print(report);
        try {
            Path target = Path.of("target");
            if (Files.isDirectory(target)) {
                Files.writeString(target.resolve("soak-report.txt"), report);
            }
        } catch (IOException e) {
            System.out.println("could not write target/soak-report.txt: " + e);
        }
        return report;
    }
}
