package dev.midge.bench.sidebyside;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A broker running as a child process on 127.0.0.1, so that both brokers are measured the same
 * way (own process, own RSS) and a crash of one cannot take the harness down.
 */
final class BrokerProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final int port;
    private final Path log;

    private BrokerProcess(String name, Process process, int port, Path log) {
        this.name = name;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the command and returns once the port accepts TCP connections. */
    static BrokerProcess start(String name, List<String> command, int port, Path log) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        BrokerProcess broker = new BrokerProcess(name, process, port, log);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }));
        // Generous: broker.jar starts two JVMs (launcher and broker), slow on a busy machine.
        broker.awaitListening(Duration.ofSeconds(120));
        return broker;
    }

    /** A port free right now (the child binds it a moment later; a race we accept for a bench). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private void awaitListening(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException(name + " exited with " + process.exitValue() + " before listening; see " + log
                        + ":\n" + tail());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(name + " did not listen on " + port + " within " + timeout + "; see " + log);
                }
                // Polling a child process's port: there is nothing to wait on but the socket.
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    String name() {
        return name;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /**
     * CPU time the broker has used (user + system), from /proc/PID/stat, in milliseconds: the
     * process started and every process under it ({@code java -jar broker.jar} re-launches itself
     * in a child JVM). Unlike a rate, CPU per operation barely moves when other work shares the
     * machine, so it is the steadier figure on a noisy one.
     */
    double cpuMillis() throws IOException {
        double total = 0;
        for (ProcessHandle p : tree()) {
            String stat = readProc(p, "stat");
            if (stat == null) {
                continue;
            }
            // Fields after the command name, which is in parentheses and may hold spaces:
            // state(3) ... utime(14) stime(15), in clock ticks (USER_HZ, 100 on Linux).
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            total += (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0;
        }
        return total;
    }

    /**
     * The part of {@link #cpuMillis()} spent by the JVM's JIT compiler threads ({@code C1/C2 CompilerThre},
     * read per thread from /proc/PID/task): a window that still holds compilation is not Midge's steady
     * cost per operation (on a busy machine the JDK's TLS code needs minutes to be compiled). 0 for mosquitto.
     */
    double jitMillis() {
        double[] total = {0};
        forEachThread((process, name, millis) -> {
            if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                total[0] += millis;
            }
        });
        return total[0];
    }

    /** Receives one thread of the broker's processes: its process, its name as the kernel keeps it, its CPU so far. */
    @FunctionalInterface
    interface ThreadVisitor {
        void visit(ProcessHandle process, String name, double cpuMillis);
    }

    /**
     * Each thread of the broker's processes with the CPU it has used so far (user + system, /proc/PID/task/TID/stat),
     * the one reading {@link #jitMillis()}, {@link #cpuMillisByThread()} and {@link ThreadCpu} group their own way.
     * A thread that ends while it is read is left out.
     */
    void forEachThread(ThreadVisitor visitor) {
        for (ProcessHandle p : tree()) {
            try (var tasks = Files.list(Path.of("/proc", Long.toString(p.pid()), "task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"));
                    } catch (IOException gone) {
                        continue;
                    }
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    // utime(14) stime(15) after the parenthesised name, in clock ticks (USER_HZ, 100 on Linux)
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    visitor.visit(p, name, (Long.parseLong(f[11]) + Long.parseLong(f[12])) * 10.0);
                }
            } catch (IOException gone) {
                // the process ended
            }
        }
    }

    /**
     * CPU time so far per kind of thread, from /proc/PID/task: the thread name without its numbers
     * ({@code midge-io-3-1} → {@code midge-io}; C1 and C2 compiler threads → {@code JIT}), summed over the
     * broker's processes. Read before and after a window, it says where an operation's CPU went (event
     * loops, handshake threads, accept, JIT, GC), which holds on a busy machine as {@link #cpuMillis()} does.
     * A thread that ended within the window takes its CPU with it.
     */
    java.util.Map<String, Double> cpuMillisByThread() {
        java.util.Map<String, Double> byKind = new java.util.TreeMap<>();
        forEachThread((process, name, millis) -> {
            String kind = name.contains("CompilerThre") ? "JIT"
                    : name.replaceAll("[0-9#]+", "").replaceAll("[- ]+$", "").trim();
            byKind.merge(kind.isEmpty() ? "?" : kind, millis, Double::sum);
        });
        return byKind;
    }

    /** Per operation: what each kind of thread spent between two {@link #cpuMillisByThread()} readings. */
    static String perOperation(java.util.Map<String, Double> before, java.util.Map<String, Double> after, long count) {
        StringBuilder text = new StringBuilder();
        after.forEach((kind, millis) -> {
            double each = (millis - before.getOrDefault(kind, 0.0)) / Math.max(1, count);
            if (each >= 0.005) {
                text.append(text.length() == 0 ? "" : ", ").append(kind).append(' ').append(String.format("%.2f", each));
            }
        });
        return text.toString();
    }

    /** Resident set size of the broker in KiB (VmRSS, summed over the process and its children). */
    long rssKib() throws IOException {
        return statusSum("VmRSS:");
    }

    /**
     * Proportional set size in KiB (Pss of /proc/PID/smaps_rollup, summed over the process and its
     * children): a page shared by N processes counts 1/N in each, so broker.jar's launcher and
     * broker JVM pay for the JVM's shared library and class archive once, not twice as in VmRSS.
     */
    long pssKib() throws IOException {
        long total = 0;
        for (ProcessHandle p : tree()) {
            String rollup = readProc(p, "smaps_rollup");
            if (rollup != null) {
                for (String line : rollup.split("\n")) {
                    if (line.startsWith("Pss:")) {
                        total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            }
        }
        return total;
    }

    /** Peak resident set size so far in KiB (VmHWM, summed over the process and its children). */
    long peakRssKib() throws IOException {
        return statusSum("VmHWM:");
    }

    /** VmRSS of each process of the broker, the started one first: "launcher 40 MiB + broker 80 MiB". */
    String rssBreakdown() throws IOException {
        StringBuilder text = new StringBuilder();
        for (ProcessHandle p : tree()) {
            if (text.length() > 0) {
                text.append(" + ");
            }
            text.append(p.pid() == process.pid() ? "started" : "child").append(' ')
                    .append(statusField(p, "VmRSS:") / 1024).append(" MiB");
        }
        return text.toString();
    }

    /** The started process and every process under it (broker.jar's launcher and the JVM it re-launched). */
    List<ProcessHandle> processTree() {
        return tree();
    }

    private List<ProcessHandle> tree() {
        List<ProcessHandle> all = new java.util.ArrayList<>();
        all.add(process.toHandle());
        process.descendants().forEach(all::add);
        return all;
    }

    private long statusSum(String field) throws IOException {
        long total = 0;
        for (ProcessHandle p : tree()) {
            total += statusField(p, field);
        }
        if (total == 0) {
            throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
        }
        return total;
    }

    private static long statusField(ProcessHandle p, String field) {
        String status = readProc(p, "status");
        if (status != null) {
            for (String line : status.split("\n")) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        }
        return 0;
    }

    /** A /proc file of the process, or null once it is gone. */
    private static String readProc(ProcessHandle p, String file) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(p.pid()), file));
        } catch (IOException gone) {
            return null;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
