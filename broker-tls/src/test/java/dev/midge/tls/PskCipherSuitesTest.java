package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.conf.TlsOptions;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.OpenSsl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which TLS-PSK suites the listener negotiates with OpenSSL's own client: forward secrecy first
 * whatever the client prefers, DHE-PSK and plain PSK when that is all it offers, TLS 1.3 with
 * an external PSK, and tls_version tlsv1.3 refusing TLS 1.2.
 */
class PskCipherSuitesTest {

    private static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;
    private final FileWatcher watcher = FileWatcher.start();
    private final LogCapture log = LogCapture.of("dev.midge");
    private EmbeddedBroker broker;

    private void start(String tlsVersion) throws Exception {
        start(tlsVersion, null);
    }

    private void start(String tlsVersion, String ciphers) throws Exception {
        Path psk = Files.writeString(dir.resolve("psk"), "dev1:" + KEY + "\n");
        TlsOptions options = new TlsOptions(null, null, null, null, tlsVersion, ciphers, null, false, true, false, null,
                "midge", psk, null, null, null, false, null, null, null, null);
        PskListenerSecurity security = PskListenerSecurity.create(options, watcher);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(security), o -> { });
    }

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        watcher.close();
        log.close();
    }

    private OpenSsl.Result connect(String... args) {
        String[] all = new String[args.length + 4];
        all[0] = "-psk_identity";
        all[1] = "dev1";
        all[2] = "-psk";
        all[3] = KEY;
        System.arraycopy(args, 0, all, 4, args.length);
        return OpenSsl.sClient(broker.port(), all);
    }

    @ParameterizedTest(name = "client offers {0}: {1}")
    @CsvSource({
            // The client lists plain PSK first; the broker's order wins.
            "PSK-AES128-GCM-SHA256:DHE-PSK-AES128-GCM-SHA256:ECDHE-PSK-CHACHA20-POLY1305, ECDHE-PSK-CHACHA20-POLY1305",
            "PSK-AES128-GCM-SHA256:DHE-PSK-AES256-GCM-SHA384, DHE-PSK-AES256-GCM-SHA384",
            "PSK-AES128-GCM-SHA256, PSK-AES128-GCM-SHA256",
            "ECDHE-PSK-AES128-CBC-SHA256, ECDHE-PSK-AES128-CBC-SHA256"})
    void tls12PrefersForwardSecrecy(String offered, String expected) throws Exception {
        start(null);

        OpenSsl.Result result = connect("-tls1_2", "-cipher", offered);

        assertTrue(result.output().contains("Ciphersuite: " + expected), result.output());
    }

    @Test
    void tls13UsesTheExternalPsk() throws Exception {
        start(null);

        OpenSsl.Result result = connect("-tls1_3");

        assertTrue(result.output().contains("Protocol version: TLSv1.3"), result.output());
        assertTrue(result.output().contains("Ciphersuite: TLS_AES_128_GCM_SHA256"), result.output());
    }

    @Test
    void tlsVersionTls13RefusesTls12() throws Exception {
        start("tlsv1.3");

        OpenSsl.Result refused = connect("-tls1_2");

        assertTrue(!refused.output().contains("Ciphersuite:"), refused.output());
        log.awaitOneLine("TLS-PSK handshake from", "refused: protocol version");
        assertTrue(connect("-tls1_3").output().contains("Protocol version: TLSv1.3"));
    }

    @Test
    void ciphersRestrictTheTls12SuitesOffered() throws Exception {
        start(null, "PSK-AES128-GCM-SHA256");

        // Without the restriction the broker's preference would pick ECDHE-PSK here.
        OpenSsl.Result result = connect("-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256");

        assertTrue(result.output().contains("Ciphersuite: PSK-AES128-GCM-SHA256"), result.output());
    }

    @Test
    void aClientOfferingOnlyASuiteCiphersLeavesOutIsRefused() throws Exception {
        start(null, "PSK-AES128-GCM-SHA256");

        OpenSsl.Result refused = connect("-tls1_2", "-cipher", "DHE-PSK-AES256-GCM-SHA384");

        assertTrue(!refused.output().contains("Ciphersuite:"), refused.output());
        log.awaitOneLine("TLS-PSK handshake from", "refused: no TLS-PSK cipher suite in common");
    }

    @Test
    void theOrderOfTheCiphersListWinsAsWithMosquittosServerPreference() throws Exception {
        // "kPSK:kECDHEPSK" puts plain PSK first (openssl ciphers -psk lists it so); Midge's own
        // order would pick ECDHE-PSK.
        start(null, "kPSK:kECDHEPSK");

        OpenSsl.Result result = connect("-tls1_2", "-cipher", "ECDHE-PSK-CHACHA20-POLY1305:PSK-AES256-GCM-SHA384");

        assertTrue(result.output().contains("Ciphersuite: PSK-AES256-GCM-SHA384"), result.output());
    }
}
