package dev.midge.cli.interop;

import dev.midge.cli.run.BrokerAssembly;
import dev.midge.cli.run.RunningBroker;
import dev.midge.cli.InJvmTlsProvider;
import dev.midge.conf.MosquittoConf;
import dev.midge.testing.TlsProviderUnderTest;
import dev.midge.testing.LogCapture;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 16's "done when": Paho Python, MQTT.js and Paho C run the same scenarios (connect 3.1.1 and 5,
 * QoS 0/1/2 round trips, a retained message, a will, user properties and a subscription identifier) against
 * the real mosquitto and against Midge, started from the same mosquitto.conf, over TCP, mutual TLS, WebSockets
 * and WebSockets over mutual TLS (wss, the same client certificate); each passes only if Midge's observations
 * are mosquitto's, line for line. The clients are in
 * {@code interop/} ({@code .ci/run} installs them: python3-paho-mqtt, libpaho-mqtt-dev, npm ci).
 *
 * <p>Debian's mosquitto 2.0.11 cannot open a WebSockets listener here (libwebsockets: "Unable to start any
 * listening sockets"), so Midge over WebSockets is compared with mosquitto over TCP, and Midge over wss with
 * mosquitto over mutual TLS: the scenarios' outcome does not depend on the transport.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InteropIT {

    private static final Duration RUN = Duration.ofSeconds(90);
    private static final Path INTEROP = Path.of("").toAbsolutePath().getParent().resolve("interop");

    private Path work;
    private TestPki pki;
    private IssuedCertificate device;
    private Process mosquitto;
    private RunningBroker midge;
    private Ports mosquittoPorts;
    private Ports midgePorts;
    private Path pahoC;

    /** One broker's four listeners (mosquitto's WebSocket ones are not started, see above). */
    private record Ports(int tcp, int tls, int ws, int wss) {
        static Ports free() {
            return new Ports(dev.midge.testing.Ports.freePort(), dev.midge.testing.Ports.freePort(),
                    dev.midge.testing.Ports.freePort(), dev.midge.testing.Ports.freePort());
        }

        int of(String transport) {
            return switch (transport) {
                case "tcp" -> tcp;
                case "tls" -> tls;
                case "ws" -> ws;
                default -> wss;
            };
        }
    }

    @BeforeAll
    void startBothBrokers(@TempDir Path dir) throws Exception {
        work = dir;
        assertTrue(Files.isDirectory(INTEROP.resolve("node_modules/mqtt")),
                "MQTT.js is missing: run .ci/run, or (cd interop && npm ci)");
        pki = TestPki.create(work.resolve("pki"));
        device = pki.device("interop");
        pki.writeCrl();
        pahoC = work.resolve("paho_c");
        ProcessResult cc = MosquittoClients.run(List.of("cc", "-o", pahoC.toString(),
                INTEROP.resolve("paho_c.c").toString(), "-lpaho-mqtt3cs"), RUN);
        assertEquals(0, cc.exitCode(), "compiling interop/paho_c.c: " + cc);

        mosquittoPorts = Ports.free();
        Path mosquittoConf = Files.writeString(work.resolve("mosquitto.conf"), conf(mosquittoPorts, false));
        mosquitto = new ProcessBuilder("/usr/sbin/mosquitto", "-c", mosquittoConf.toString())
                .redirectErrorStream(true).redirectOutput(work.resolve("mosquitto.log").toFile()).start();
        midgePorts = Ports.free();
        try (LogCapture log = LogCapture.of("dev.midge")) {
            midge = BrokerAssembly.start(MosquittoConf.parse(
                    Files.writeString(work.resolve("midge.conf"), conf(midgePorts, true)), InJvmTlsProvider.runDefault())
                    .config());
            TlsProviderUnderTest.assertInUse(log.lines());
        }
        awaitMosquittoRunning();
    }

    @AfterAll
    void stopBothBrokers() throws InterruptedException {
        if (midge != null) {
            midge.close();
        }
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor();
        }
    }

    /**
     * The conf both read: plain TCP, mutual TLS with the CN as username, WebSockets and WebSockets over the
     * same mutual TLS (Midge only, see above).
     */
    private String conf(Ports ports, boolean websockets) {
        String mutualTls = """
                cafile %s
                certfile %s
                keyfile %s
                require_certificate true
                use_identity_as_username true
                """.formatted(pki.caFile(), pki.server().chainFile(), pki.server().keyFile());
        return """
                per_listener_settings false
                allow_anonymous true
                listener %d
                listener %d
                """.formatted(ports.tcp(), ports.tls()) + mutualTls
                + (websockets ? "listener %d\nprotocol websockets\nlistener %d\nprotocol websockets\n%s"
                        .formatted(ports.ws(), ports.wss(), mutualTls)
                // mosquitto started as root would become user mosquitto, who cannot read the test's files
                : "user root\n");
    }

    static Stream<Arguments> clientsAndTransports() {
        List<Arguments> all = new ArrayList<>();
        for (String client : List.of("paho-python", "mqtt.js", "paho-c")) {
            for (String transport : List.of("tcp", "tls", "ws", "wss")) {
                all.add(Arguments.of(client, transport));
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} over {1}")
    @MethodSource("clientsAndTransports")
    void behavesAsOnMosquitto(String client, String transport) {
        String reference = switch (transport) {
            case "ws" -> "tcp";
            case "wss" -> "tls";
            default -> transport;
        };
        CompletableFuture<ProcessResult> onMosquitto = CompletableFuture.supplyAsync(() ->
                run(client, reference, mosquittoPorts.of(reference), "m-" + client + "-" + transport + "/"));
        ProcessResult onMidge = run(client, transport, midgePorts.of(transport), "g-" + client + "-" + transport + "/");
        ProcessResult expected = onMosquitto.join();

        List<String> want = expected.stdout().lines().toList();
        assertEquals(0, expected.exitCode(), "on mosquitto: " + expected);
        assertEquals("done", want.isEmpty() ? "" : want.get(want.size() - 1), "on mosquitto: " + expected);
        assertFalse(expected.stdout().contains(" error ") || expected.stdout().contains("-> none"),
                "the scenario fails on mosquitto itself: " + expected);
        assertEquals(expected.stdout(), onMidge.stdout(), "Midge differs from mosquitto; Midge's stderr: "
                + onMidge.stderr());
    }

    private ProcessResult run(String client, String transport, int port, String prefix) {
        boolean tls = transport.equals("tls") || transport.equals("wss");
        String host = tls ? "localhost" : "127.0.0.1"; // the server certificate's name: host names are verified
        List<String> command = new ArrayList<>(switch (client) {
            case "paho-python" -> List.of("/usr/bin/python3", INTEROP.resolve("paho_python.py").toString());
            case "mqtt.js" -> List.of("node", INTEROP.resolve("mqttjs.js").toString());
            default -> List.of(pahoC.toString());
        });
        command.addAll(List.of(host, Integer.toString(port), transport, prefix));
        if (tls) {
            command.addAll(List.of(pki.caFile().toString(), device.certFile().toString(), device.keyFile().toString()));
        }
        return MosquittoClients.run(command, RUN);
    }

    private void awaitMosquittoRunning() throws IOException, InterruptedException {
        Path log = work.resolve("mosquitto.log");
        long deadline = System.nanoTime() + RUN.toNanos();
        while (System.nanoTime() < deadline && mosquitto.isAlive()) {
            if (Files.readString(log).contains(" running")) {
                return;
            }
            Thread.sleep(50); // polling the log file for the line that says so
        }
        throw new AssertionError("mosquitto did not start:\n" + Files.readString(log));
    }
}
