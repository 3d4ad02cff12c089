package dev.midge.bench.sidebyside;

import javax.net.ssl.SSLSocketFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Opens mutual-TLS MQTT connections that then sit idle (keep alive 0), and reads the broker's
 * VmRSS with none (as soon as it listens, then settled: {@link SettledRss}), then with each step's
 * count open; with none also its proportional set size.
 */
final class IdleConnections {

    private IdleConnections() {
    }

    /**
     * @param rssKib          VmRSS in KiB by number of open connections (0 first: settled)
     * @param startRssKib     VmRSS in KiB as soon as the broker listens, before it has settled
     * @param idlePssKib      Pss with no connection, in KiB: shared file pages (libjvm, the JDK's class
     *                        archive; libssl for mosquitto) counted once across processes, not per process
     */
    record Result(Map<Integer, Long> rssKib, long idlePssKib, long startRssKib) {
    }

    static Result run(BrokerProcess broker, SSLSocketFactory factory, int[] steps, int threads)
            throws IOException, InterruptedException {
        Map<Integer, Long> rss = new LinkedHashMap<>();
        List<TlsMqttConnection> open = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            long start = broker.rssKib();
            rss.put(0, SettledRss.of(broker));
            long pss = broker.pssKib();
            for (int target : steps) {
                List<Future<TlsMqttConnection>> opening = new ArrayList<>();
                for (int i = open.size(); i < target; i++) {
                    String clientId = "idle-" + i;
                    opening.add(pool.submit(() -> TlsMqttConnection.open(factory, broker.port(), clientId)));
                }
                for (Future<TlsMqttConnection> f : opening) {
                    try {
                        open.add(f.get());
                    } catch (java.util.concurrent.ExecutionException e) {
                        throw new IOException(broker.name() + " refused idle connection " + open.size() + ": "
                                + e.getCause(), e.getCause());
                    }
                }
                rss.put(target, broker.rssKib());
            }
            return new Result(rss, pss, start);
        } finally {
            pool.shutdownNow();
            open.forEach(TlsMqttConnection::close);
        }
    }
}
