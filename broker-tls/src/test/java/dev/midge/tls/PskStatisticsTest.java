package dev.midge.tls;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.conf.TlsOptions;
import dev.midge.testing.LogCapture;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** TLS-PSK refusals are counted under the reason their line gives (mosquitto_pub --psk). */
class PskStatisticsTest {

    private static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;
    private final FileWatcher watcher = FileWatcher.start();
    private final LogCapture log = LogCapture.of("dev.midge");
    private EmbeddedBroker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        watcher.close();
        log.close();
    }

    @Test
    void badKeyAndUnknownIdentityAreCountedApart() throws Exception {
        Path psk = Files.writeString(dir.resolve("psk"), "dev1:" + KEY + "\n");
        TlsOptions options = new TlsOptions(null, null, null, null, null, null, null, false, true, false, null,
                "midge", psk, null, null, null, false, null, null, null, null);
        PskListenerSecurity security = PskListenerSecurity.create(options, watcher);
        TlsStatistics statistics = new TlsStatistics();
        security.reportTo(statistics);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(security), o -> { });

        refused("dev1", "ffeeddccbbaa99887766554433221100", "bad PSK for identity dev1");
        refused("dev9", KEY, "unknown PSK identity dev9");
        ProcessResult ok = MosquittoClients.publish(MosquittoClients.options(broker.port()).psk("dev1", KEY),
                "-t", "t", "-m", "1");
        assertEquals(0, ok.exitCode(), ok.toString());

        Map<String, Double> figures = new HashMap<>();
        statistics.collect(f -> figures.put(f.topic(), f.value()));
        assertEquals(1, figures.get("$SYS/broker/midge/tls/refusals/bad_psk"));
        assertEquals(1, figures.get("$SYS/broker/midge/tls/refusals/unknown_psk_identity"));
        assertEquals(0, figures.get("$SYS/broker/midge/tls/refusals/other"));
    }

    private void refused(String identity, String key, String lineSays) {
        ProcessResult result = MosquittoClients.publish(MosquittoClients.options(broker.port()).psk(identity, key),
                "-t", "t", "-m", "1");
        assertNotEquals(0, result.exitCode(), result.toString());
        log.awaitOneLine("TLS-PSK handshake from", "refused", lineSays);
    }
}
