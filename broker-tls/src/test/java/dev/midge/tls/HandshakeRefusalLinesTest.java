package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker's one line for handshakes that end before a client certificate is ever seen. */
class HandshakeRefusalLinesTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    private TlsListenerSecurity tls;
    private EmbeddedBroker broker;

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir);
        tls = TlsListenerSecurity.create(Options.mutualTls(pki).build(), watcher);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(tls), options -> { });
    }

    @AfterEach
    void stop() {
        broker.close();
        tls.close();
        watcher.close();
        log.close();
    }

    /** Was: "Insufficient buffer remaining for AEAD cipher fragment": TLS 1.3 clients send that alert unencrypted. */
    @Test
    void tls13ClientThatDistrustsTheServerCertificateIsNamedAsSuch() {
        IssuedCertificate dev1 = pki.device("dev1");

        ProcessResult result = MosquittoClients.publish(MosquittoClients.options(broker.port())
                .cafile(pki.foreignCaFile()).cert(dev1.certFile(), dev1.keyFile()).add("--tls-version", "tlsv1.3"),
                "-t", "sensors/dev1", "-m", "1");

        assertNotEquals(0, result.exitCode(), result.toString());
        String line = log.awaitOneLine("TLS handshake from 127.0.0.1:", "refused");
        assertTrue(line.endsWith("refused: the client refused the server certificate: does it trust the CA of "
                + "certfile? is the host name in the certificate?"), line);
    }

    @Test
    void clientThatClosesBeforeItsClientHelloGetsALine() throws Exception {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", broker.port()));
        }

        String line = log.awaitOneLine("closed the connection before sending a ClientHello");
        assertTrue(line.startsWith("INFO TLS connection from 127.0.0.1:"), line);
        assertEquals(0, log.matching("refused").size(), String.join("\n", log.lines()));
    }
}
