package dev.midge.bench.sidebyside;

import javax.net.ssl.SSLSocketFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * N client threads, each looping: TCP connect, full mutual-TLS handshake, CONNECT/CONNACK,
 * DISCONNECT, close. Counts completed loops during the measured window after a warm-up.
 */
final class HandshakeLoad {

    /**
     * cpuMillisEach: the broker's CPU time per handshake during the measured window; jitMillisEach: the part of
     * it its JIT compiler threads took (not yet steady when that is more than a few percent); clientMillisEach: the
     * load generator's own CPU per handshake (its client threads): on a 2-core machine the client and the broker
     * share the cores, so a client that costs more than the broker caps the rate for both brokers alike;
     * brokerMillisByThread: the broker's CPU per handshake by kind of thread ("midge-io 0.87, JIT 0.30, ...").
     */
    record Result(double perSecond, double cpuMillisEach, double jitMillisEach, double clientMillisEach, long failures,
                  String negotiated, String brokerMillisByThread) {
    }

    private HandshakeLoad() {
    }

    static Result run(SSLSocketFactory factory, BrokerProcess broker, int threads, Duration warmup, Duration measure)
            throws InterruptedException, java.io.IOException {
        int port = broker.port();
        String negotiated;
        try (TlsMqttConnection probe = TlsMqttConnection.open(factory, port, "hs-probe")) {
            negotiated = probe.protocolAndCipher();
        } catch (Exception e) {
            throw new IllegalStateException("a single mTLS CONNECT to port " + port + " fails: " + e, e);
        }
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String prefix = "hs-" + t + "-";
            Thread worker = new Thread(() -> {
                long n = 0;
                while (running.get()) {
                    try (TlsMqttConnection c = TlsMqttConnection.open(factory, port, prefix + (n++))) {
                        if (counting.get()) {
                            done.incrementAndGet();
                        }
                    } catch (Exception e) {
                        if (counting.get()) {
                            failed.incrementAndGet();
                        }
                    }
                }
            }, "handshake-" + t);
            worker.start();
            workers.add(worker);
        }
        Thread.sleep(warmup.toMillis()); // the warm-up is a duration, not a synchronisation
        long before = done.get();
        long start = System.nanoTime();
        double cpuBefore = broker.cpuMillis();
        double jitBefore = broker.jitMillis();
        var threadsBefore = broker.cpuMillisByThread();
        double clientBefore = cpuMillis(workers);
        counting.set(true);
        Thread.sleep(measure.toMillis());
        long count = done.get() - before;
        double cpu = broker.cpuMillis() - cpuBefore;
        double jit = broker.jitMillis() - jitBefore;
        String byThread = BrokerProcess.perOperation(threadsBefore, broker.cpuMillisByThread(), count);
        double client = cpuMillis(workers) - clientBefore;
        double seconds = (System.nanoTime() - start) / 1e9;
        counting.set(false);
        running.set(false);
        for (Thread worker : workers) {
            worker.join();
        }
        return new Result(count / seconds, count == 0 ? Double.NaN : cpu / count, count == 0 ? Double.NaN : jit / count,
                count == 0 ? Double.NaN : client / count, failed.get(), negotiated, byThread);
    }

    /** CPU time of the client threads so far (ThreadMXBean: valid however busy the machine is). */
    static double cpuMillis(List<Thread> threads) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        double sum = 0;
        for (Thread thread : threads) {
            long nanos = mx.getThreadCpuTime(thread.getId());
            sum += nanos > 0 ? nanos / 1e6 : 0;
        }
        return sum;
    }
}
