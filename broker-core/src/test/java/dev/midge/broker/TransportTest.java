package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.ListenerSecurity;
import io.netty.channel.Channel;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.File;
import java.io.FileInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** MQTT over WebSockets and over mutual TLS, with real handshakes and certificates made by openssl. */
class TransportTest extends BrokerTest {

    @TempDir
    static Path pki;

    private static void openssl(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(pki.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + out);
        }
    }

    @BeforeAll
    static void makeCertificates() throws Exception {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", "ca.key", "-out", "ca.crt", "-days", "1", "-subj", "/CN=Test CA");
        for (String name : List.of("server", "device-42")) {
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
            java.nio.file.Files.writeString(pki.resolve(name + ".ext"), name.equals("server")
                    ? "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n");
            openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                    "-out", name + ".crt", "-days", "1", "-extfile", name + ".ext");
        }
        openssl("pkcs12", "-export", "-in", "device-42.crt", "-inkey", "device-42.key", "-out", "device.p12",
                "-passout", "pass:secret");
    }

    /** What the TLS module provides: a server context requiring client certificates, CN as username. */
    static final class CertificateSecurity implements ListenerSecurity {
        final SslContext context;

        CertificateSecurity() throws Exception {
            context = SslContextBuilder.forServer(pki.resolve("server.crt").toFile(), pki.resolve("server.key").toFile())
                    .trustManager(pki.resolve("ca.crt").toFile()).clientAuth(ClientAuth.REQUIRE).build();
        }

        @Override
        public SslHandler newSslHandler(Channel channel) {
            return context.newHandler(channel.alloc());
        }

        @Override
        public String usernameFor(X509Certificate[] chain) {
            String dn = chain[0].getSubjectX500Principal().getName();
            return dn.substring(dn.indexOf("CN=") + 3).split(",")[0];
        }

        @Override
        public boolean requiresClientCertificate() {
            return true;
        }
    }

    private static TrustManagerFactory trustCa() throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = new FileInputStream(pki.resolve("ca.crt").toFile())) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    private static KeyManagerFactory deviceKey() throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(new File(pki.toFile(), "device.p12"))) {
            keys.load(in, "secret".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "secret".toCharArray());
        return kmf;
    }

    @Test
    void certificateCommonNameBecomesTheUsernameWithoutAskingTheAuthenticator() throws Exception {
        AtomicBoolean authenticatorAsked = new AtomicBoolean();
        broker = MidgeBroker.start(BrokerOptions.builder()
                .authenticator(r -> {
                    authenticatorAsked.set(true);
                    return AuthenticationResult.refuse("must not be asked");
                })
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withSecurity(new CertificateSecurity()))
                .build());
        Mqtt5BlockingClient device = MqttClient.builder().useMqttVersion5().identifier("dev")
                .serverHost("127.0.0.1").serverPort(broker.port())
                .sslConfig().trustManagerFactory(trustCa()).keyManagerFactory(deviceKey()).applySslConfig()
                .buildBlocking();
        device.connect();
        try {
            var identity = broker.connectedClients().get(0);
            assertEquals("device-42", identity.username());
            assertNotNull(identity.peerCertificate());
            assertTrue(!authenticatorAsked.get());
        } finally {
            device.disconnect();
        }
    }

    @Test
    void clientWithoutCertificateCannotConnect() throws Exception {
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withSecurity(new CertificateSecurity()))
                .build());
        Mqtt5BlockingClient anonymous = MqttClient.builder().useMqttVersion5().identifier("anon")
                .serverHost("127.0.0.1").serverPort(broker.port())
                .sslConfig().trustManagerFactory(trustCa()).applySslConfig().buildBlocking();
        assertThrows(RuntimeException.class, anonymous::connect);
        assertEquals(List.of(), broker.connectedClients());
    }

    @Test
    void mqttOverWebSocketsOnAnyPath() throws Exception {
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                        .withProtocol(ListenerOptions.Protocol.WEBSOCKETS))
                .build());
        Mqtt5BlockingClient ws = MqttClient.builder().useMqttVersion5().identifier("ws")
                .serverHost("127.0.0.1").serverPort(broker.port())
                .webSocketConfig().serverPath("mqtt").applyWebSocketConfig().buildBlocking();
        ws.connect();
        try {
            var inbox = ws.publishes(MqttGlobalPublishFilter.ALL);
            ws.subscribeWith().topicFilter("ws/#").send();
            ws.publishWith().topic("ws/echo").payload(new byte[70_000]).send();
            assertArrayEquals(new byte[70_000], inbox.receive(5, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
        } finally {
            ws.disconnect();
        }
    }

    /** Over mutual TLS too, a client with a valid certificate but no CONNECT cannot make the broker buffer a body. */
    @Test
    void mtlsPublishAnnouncing200MegabytesBeforeConnectIsClosedAtItsFixedHeader() throws Exception {
        broker = MidgeBroker.start(BrokerOptions.builder()
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withSecurity(new CertificateSecurity()))
                .build());
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(deviceKey().getKeyManagers(), trustCa().getTrustManagers(), null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) tls.getSocketFactory()
                .createSocket("127.0.0.1", broker.port())) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            // PUBLISH with Remaining Length 200 MB (0xFF 0xFF 0xEF 0x63 is 209,715,199); no body follows.
            socket.getOutputStream().write(new byte[]{0x30, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x63});
            socket.getOutputStream().flush();
            int read;
            try {
                read = socket.getInputStream().read();
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the broker waited for the body", e);
            } catch (java.io.IOException reset) {
                read = -1;
            }
            assertEquals(-1, read, "closed");
        }
    }
}
