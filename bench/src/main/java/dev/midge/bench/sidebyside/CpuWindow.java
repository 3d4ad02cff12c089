package dev.midge.bench.sidebyside;

import java.io.IOException;
import java.io.UncheckedIOException;

/** The broker's CPU time (user + system, all its processes) over a measured window. */
final class CpuWindow {

    private final BrokerProcess broker;
    private double startMillis;
    private double endMillis;

    CpuWindow(BrokerProcess broker) {
        this.broker = broker;
    }

    void start() {
        startMillis = read();
    }

    void end() {
        endMillis = read();
    }

    /** CPU microseconds per operation, for {@code operations} done in the window. */
    double microsEach(double operations) {
        return operations <= 0 ? Double.NaN : (endMillis - startMillis) * 1000.0 / operations;
    }

    private double read() {
        try {
            return broker.cpuMillis();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
