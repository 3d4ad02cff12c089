package dev.midge.tls;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.conf.TlsOptions;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.LogCapture;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A listener with certfile and psk_hint reads the ClientHello before choosing TLS-PSK or
 * certificates: OpenSSL's own client gets either over the same port, and what is not a
 * ClientHello, or is one larger than 16 KiB, is closed with one log line.
 */
class PskOrCertificateHandlerTest {

    private static final String KEY = "00112233445566778899aabbccddeeff";

    @TempDir
    Path dir;
    private final FileWatcher watcher = FileWatcher.start();
    private final LogCapture log = LogCapture.of("dev.midge");
    private TestPki pki;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        IssuedCertificate server = pki.server();
        Path psk = Files.writeString(dir.resolve("psk"), "dev1:" + KEY + "\n");
        TlsOptions options = new TlsOptions(pki.caFile(), null, server.chainFile(), server.keyFile(), null, null, null,
                false, true, false, null, "midge", psk, null, null, null, false, null, null, null, TlsProviderUnderTest.get());
        PskAndCertificateListenerSecurity security = PskAndCertificateListenerSecurity.create(options, watcher);
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

    @Test
    void aPskClientAndACertificateClientShareThePort() {
        OpenSsl.Result psk = OpenSsl.sClient(broker.port(), "-psk_identity", "dev1", "-psk", KEY, "-tls1_2");
        OpenSsl.Result psk13 = OpenSsl.sClient(broker.port(), "-psk_identity", "dev1", "-psk", KEY, "-tls1_3");
        OpenSsl.Result certificate = OpenSsl.sClient(broker.port(), "-CAfile", pki.caFile().toString());

        assertTrue(psk.output().contains("Ciphersuite: ECDHE-PSK-CHACHA20-POLY1305"), psk.output());
        assertTrue(psk13.output().contains("Protocol version: TLSv1.3"), psk13.output());
        assertTrue(psk13.output().contains("No peer certificate"), psk13.output());
        assertTrue(certificate.output().contains("Verification: OK"), certificate.output());
    }

    @Test
    void whatIsNotTlsIsClosedWithOneLine() throws Exception {
        byte[] mqttConnect = "\u0010\u000c\u0000\u0004MQTT\u0004\u0002\u0000\u003c\u0000\u0000"
                .getBytes(StandardCharsets.ISO_8859_1);

        assertEquals(-1, sendAndRead(mqttConnect));
        log.awaitOneLine("TLS handshake from 127.0.0.1:", "refused: not a TLS handshake record");
    }

    @Test
    void aClientHelloLargerThan16KiBIsClosedWithOneLine() throws Exception {
        byte[] record = new byte[5 + 16_384];
        record[0] = 22;
        record[1] = 3;
        record[2] = 1;
        record[3] = 0x40;             // a full 16 KiB record ...
        record[5] = 1;                // ... starting a ClientHello
        record[7] = (byte) 0xFF;      // of 65535 bytes
        record[8] = (byte) 0xFF;

        assertEquals(-1, sendAndRead(record));
        log.awaitOneLine("TLS handshake from 127.0.0.1:", "refused: a ClientHello of 65535 bytes");
    }

    /** Sends the bytes and returns the first byte the broker answers, -1 when it closes. */
    private int sendAndRead(byte[] bytes) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            return in.read();
        }
    }
}
