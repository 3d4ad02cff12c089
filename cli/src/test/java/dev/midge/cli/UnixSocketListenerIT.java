package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mosquitto's {@code listener 0 PATH}: MQTT on a unix socket file, with the listener block's security. */
class UnixSocketListenerIT {

    /** From a JVM launch to its first line takes over 30 s on a loaded two-core machine, on either TLS provider. */
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void mosquittoClientsAndAJavaClientTalkOverTheSocketWithThePasswordFile() throws Exception {
        Path socket = work.resolve("mqtt.sock");
        Path conf = socketConf(socket);

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Opening unix listen socket on path " + java.util.regex.Pattern.quote(socket.toString()), WAIT);
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber sub = MosquittoClients.subscribe(
                    MosquittoClients.unixSocket(socket).user("alice", "secret").qos(1), "-t", "t/#", "-v")) {
                String granted = sub.awaitSubscribed(WAIT);
                assertTrue(granted != null && granted.endsWith(": 1"), granted + " " + sub.stderr());

                ProcessResult refused = MosquittoClients.publish(MosquittoClients.unixSocket(socket)
                        .user("alice", "wrong"), "-t", "t/x", "-m", "never");
                assertNotEquals(0, refused.exitCode(), refused.toString());

                assertEquals(0, MosquittoClients.publish(MosquittoClients.unixSocket(socket).user("alice", "secret")
                        .qos(1), "-t", "t/a", "-m", "from-mosquitto_pub").exitCode());
                assertEquals("t/a from-mosquitto_pub", sub.awaitLine(WAIT));

                assertEquals(5, javaClientConnect(socket, "wrong", null), "a bad password is refused (0x05)");
                assertEquals(0, javaClientConnect(socket, "secret", "from-java"));
                assertEquals("t/j from-java", sub.awaitLine(WAIT));
            }
        }
        assertFalse(Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS), "the socket file is removed at stop");
    }

    /**
     * mosquitto serves TLS on a socket listener too; so does Midge, with the certificate's CN as username.
     * The client is openssl s_client: mosquitto_pub sends the socket path as SNI, which the JDK refuses.
     */
    @Test
    void tlsWithClientCertificatesWorksOnTheSocket() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate server = pki.server();
        IssuedCertificate dev1 = pki.device("dev1");
        Path socket = work.resolve("tls.sock");
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener 0 %s
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                """.formatted(socket, pki.caFile(), server.chainFile(), server.keyFile()));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Opening unix listen socket on path .*tls.sock \\(TLS\\)", WAIT);
            broker.awaitLine("Midge .* running", WAIT);
            Process anonymous = openSslConnect(socket, pki, null, "no-cert");
            try {
                broker.awaitLine("TLS handshake from a unix socket client refused", WAIT);
            } finally {
                anonymous.destroy();
            }
            Process device = openSslConnect(socket, pki, dev1, "tls-unix");
            try {
                broker.awaitLine("New client connected from unix:.*tls.sock as tls-unix .*u'dev1'", WAIT);
            } finally {
                device.destroy();
            }
        }
    }

    /** openssl s_client over the socket, sending an MQTT 3.1.1 CONNECT with this client id once connected. */
    private static Process openSslConnect(Path socket, TestPki pki, IssuedCertificate device, String clientId)
            throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("openssl", "s_client", "-quiet",
                "-unix", socket.toString(), "-CAfile", pki.caFile().toString()));
        if (device != null) {
            command.addAll(java.util.List.of("-cert", device.certFile().toString(), "-key", device.keyFile().toString()));
        }
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, 2, 0, 60});
        string(body, clientId);
        byte[] connect = body.toByteArray();
        process.getOutputStream().write(0x10);
        process.getOutputStream().write(connect.length);
        process.getOutputStream().write(connect);
        process.getOutputStream().flush(); // stdin stays open: s_client would end the connection at its end
        return process;
    }

    @Test
    void aStaleSocketFileFromAKilledBrokerDoesNotStopStartUp() throws Exception {
        Path socket = work.resolve("mqtt.sock");
        // Bound and closed: the file stays with nobody listening, as after kill -9.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertTrue(Files.exists(socket));
        Path conf = socketConf(socket);

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            assertEquals(0, javaClientConnect(socket, "secret", null));
        }
    }

    @Test
    void aRegularFileAtTheSocketPathStopsStartUpAndIsKept() throws Exception {
        Path notASocket = Files.writeString(work.resolve("important.txt"), "keep me");
        Path conf = socketConf(notASocket);

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains(conf + ":2: cannot listen on unix socket " + notASocket
                + ": the path is a regular file, not a socket"), result.output());
        assertEquals("keep me", Files.readString(notASocket));
    }

    private Path socketConf(Path socket) throws IOException {
        Path passwords = work.resolve("passwd");
        ProcessResult made = MosquittoClients.passwd("-c", "-b", passwords.toString(), "alice", "secret");
        assertEquals(0, made.exitCode(), made.toString());
        return Files.writeString(work.resolve("mosquitto.conf"), """
                per_listener_settings true
                listener 0 %s
                allow_anonymous false
                password_file %s
                """.formatted(socket, passwords));
    }

    /**
     * A hand-written MQTT 3.1.1 client on the JDK's unix-domain channel: CONNECT as alice, and if
     * accepted, a QoS 0 PUBLISH of {@code message} to t/j. Returns the CONNACK return code.
     */
    private static int javaClientConnect(Path socket, String password, String message) throws IOException {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.writeBytes(new byte[] {0, 4, 'M', 'Q', 'T', 'T', 4, (byte) 0xC2, 0, 60});
            string(body, "java-unix");
            string(body, "alice");
            string(body, password);
            write(channel, 0x10, body.toByteArray());
            ByteBuffer connack = ByteBuffer.allocate(4);
            while (connack.hasRemaining() && channel.read(connack) >= 0) {
                // blocking read: the CONNACK is four bytes
            }
            assertEquals(0x20, connack.get(0) & 0xFF, "CONNACK");
            int code = connack.get(3);
            if (code == 0 && message != null) {
                ByteArrayOutputStream publish = new ByteArrayOutputStream();
                string(publish, "t/j");
                publish.writeBytes(message.getBytes(StandardCharsets.UTF_8));
                write(channel, 0x30, publish.toByteArray());
                write(channel, 0xE0, new byte[0]); // DISCONNECT: the PUBLISH before it is delivered
            }
            return code;
        }
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        out.write(bytes.length >> 8);
        out.write(bytes.length & 0xFF);
        out.writeBytes(bytes);
    }

    private static void write(SocketChannel channel, int header, byte[] body) throws IOException {
        ByteBuffer packet = ByteBuffer.allocate(2 + body.length);
        packet.put((byte) header).put((byte) body.length).put(body).flip(); // bodies here are under 128 bytes
        while (packet.hasRemaining()) {
            channel.write(packet);
        }
    }
}
