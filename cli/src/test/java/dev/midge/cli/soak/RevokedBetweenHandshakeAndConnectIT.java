package dev.midge.cli.soak;

import dev.midge.broker.MidgeBroker;
import dev.midge.cli.run.BrokerAssembly;
import dev.midge.cli.run.RunningBroker;
import dev.midge.cli.soak.SoakPki.DeviceCredentials;
import dev.midge.cli.InJvmTlsProvider;
import dev.midge.conf.MosquittoConf;
import dev.midge.testing.LogCapture;
import dev.midge.testing.Ports;
import dev.midge.testing.TlsProviderUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A window found while building the soak: a client whose TLS handshake completed under the old
 * CRL, and whose CONNECT arrives after a new CRL revoked it, was let in and stayed connected
 * (the broker's sweep only sees clients it has accepted). The connection must be cut instead.
 */
class RevokedBetweenHandshakeAndConnectIT {

    @TempDir
    Path work;

    @Test
    void certificateRevokedAfterTheHandshakeButBeforeConnectIsNotLeftConnected() throws Exception {
        int port = Ports.freePort();
        SoakPki pki = SoakPki.create(work.resolve("data"), port);
        DeviceCredentials device = pki.issue("dev-race");
        Path conf = work.resolve("race.conf");
        Files.writeString(conf, String.join("\n", "listener " + port + " 127.0.0.1",
                "cafile " + pki.data().caChain(), "certfile " + pki.data().serverCertificate(),
                "keyfile " + pki.data().serverKey(), "require_certificate true", "use_identity_as_username true",
                "crlfile " + pki.data().crlFile()));
        try (LogCapture log = LogCapture.of("dev.midge");
             RunningBroker running = BrokerAssembly.start(MosquittoConf.parse(conf, InJvmTlsProvider.runDefault()).config())) {
            TlsProviderUnderTest.assertInUse(log.lines());
            MidgeBroker broker = running.broker();
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(device.keyManagers().getKeyManagers(), pki.trust().getTrustManagers(), null);
            try (SSLSocket early = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
                early.startHandshake();
                pki.revoke("dev-race");
                // The new CRL is in force once a fresh handshake with the certificate is refused.
                await().atMost(Duration.ofSeconds(10)).until(() -> !connects(tls, port));
                int returnCode = connect(early, "dev-race");
                assertNotEquals(0, returnCode, "CONNECT accepted on a certificate revoked since its handshake;"
                        + " connected now: " + broker.connectedClients());
                assertEquals(List.of(), broker.connectedClients());
            }
        }
    }

    private static boolean connects(SSLContext tls, int port) {
        try (SSLSocket probe = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
            probe.startHandshake();
            return connect(probe, "probe") == 0;
        } catch (IOException refused) {
            return false;
        }
    }

    /** MQTT 3.1.1 CONNECT, clean session; returns CONNACK's return code, or -1 if the connection closed. */
    private static int connect(SSLSocket socket, String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        try {
            OutputStream out = socket.getOutputStream();
            out.write(new byte[]{0x10, (byte) (12 + id.length), 0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60, 0, (byte) id.length});
            out.write(id);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            int type = in.readUnsignedByte();
            in.readUnsignedByte();
            in.readUnsignedByte();
            int code = in.readUnsignedByte();
            return type == 0x20 ? code : -1;
        } catch (IOException closed) {
            return -1;
        }
    }
}
