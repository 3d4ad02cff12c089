package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Java plugin, compiled against broker.jar and packed into its own jar here, loaded by
 * {@code plugin /path/x.jar} with {@code plugin_opt_*} options, and asked together with the ACL,
 * as the real mosquitto clients see it.
 */
class AuthPluginIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    /** The README's example plugin: a shared password, one username refused, topics it keeps to itself. */
    private static final String PLUGIN_SOURCE = """
            package example;

            import dev.midge.broker.security.AuthPlugin;
            import dev.midge.broker.security.AuthenticationResult;
            import dev.midge.broker.security.ClientIdentity;
            import dev.midge.broker.security.ConnectRequest;

            import java.nio.charset.StandardCharsets;
            import java.util.Arrays;
            import java.util.Map;

            public final class FleetPlugin implements AuthPlugin {
                private byte[] password;
                private String deniedPrefix;

                @Override
                public void init(Map<String, String> options) {
                    password = options.get("password").getBytes(StandardCharsets.UTF_8);
                    deniedPrefix = options.getOrDefault("denied_prefix", "internal/");
                }

                @Override
                public AuthenticationResult checkConnect(ConnectRequest request, String username) {
                    if (request.password() == null || !Arrays.equals(password, request.password())) {
                        return AuthenticationResult.refuse("wrong fleet password");
                    }
                    return AuthenticationResult.accept(username);
                }

                @Override
                public boolean canPublish(ClientIdentity client, String topic) {
                    return !topic.startsWith(deniedPrefix);
                }

                @Override
                public boolean canReceive(ClientIdentity client, String topic) {
                    return !topic.startsWith(deniedPrefix);
                }
            }
            """;

    @TempDir
    Path work;

    @Test
    void aPluginJarDecidesTogetherWithTheAcl() throws Exception {
        Path jar = pluginJar();
        Path acl = Files.writeString(work.resolve("acl"), """
                pattern readwrite fleet/#
                pattern readwrite internal/#
                user reader
                topic read #
                user writer
                topic write marker
                """);
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                allow_anonymous false
                acl_file %s
                plugin %s
                plugin_opt_password s3cret
                plugin_opt_denied_prefix internal/
                """.formatted(port, acl, jar));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            assertTrue(broker.output().contains("Loaded plugin example.FleetPlugin from " + jar), broker.output());

            ProcessResult wrong = MosquittoClients.publish(MosquittoClients.options(port).user("writer", "guess"),
                    "-t", "fleet/a", "-m", "x");
            assertNotEquals(0, wrong.exitCode(), wrong::toString);
            broker.awaitLine("writer.*refused.*plugin example.FleetPlugin: wrong fleet password", WAIT);

            try (RunningSubscriber reader = MosquittoClients.subscribe(MosquittoClients.options(port)
                    .user("reader", "s3cret"), "-t", "#", "-v")) {
                assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);
                MosquittoClients.Options writer = MosquittoClients.options(port).user("writer", "s3cret");
                assertEquals(0, MosquittoClients.publish(writer, "-t", "fleet/a", "-m", "1").exitCode());
                assertEquals("fleet/a 1", reader.awaitLine(WAIT));

                // The ACL allows internal/#, the plugin does not; the ACL forbids other/#, the plugin allows it.
                MosquittoClients.publish(writer, "-t", "internal/a", "-m", "plugin-denied");
                MosquittoClients.publish(writer, "-t", "other/a", "-m", "acl-denied");
                assertEquals(0, MosquittoClients.publish(writer, "-t", "marker", "-m", "next").exitCode());
                assertEquals("marker next", reader.awaitLine(WAIT));
            }
        }
    }

    @Test
    void aMosquittoCPluginStopsStartUpNamingItsLine() throws Exception {
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                plugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so
                """.formatted(Ports.freePort()));

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains(conf + ":2: plugin cannot be honoured: "
                + "'/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so' is not a jar"), result.output());
    }

    @Test
    void aJarWithoutAPluginStopsStartUp() throws Exception {
        Path empty = work.resolve("empty.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(empty))) {
            out.putNextEntry(new JarEntry("README"));
            out.write("nothing".getBytes(StandardCharsets.UTF_8));
        }
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                plugin %s
                """.formatted(Ports.freePort(), empty));

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains(conf + ":2: plugin " + empty + " cannot be loaded: the jar declares no "
                + "dev.midge.broker.security.AuthPlugin"), result.output());
    }

    /** Compiles the example against broker.jar (the API a plugin author has) and packs it with its service file. */
    private Path pluginJar() throws IOException {
        Path src = work.resolve("plugin-src/example/FleetPlugin.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, PLUGIN_SOURCE);
        Path classes = Files.createDirectories(work.resolve("plugin-classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int rc = javac.run(null, errors, errors, "--release", "17", "-cp", BrokerProcess.jar().toString(),
                "-d", classes.toString(), src.toString());
        assertEquals(0, rc, errors.toString(StandardCharsets.UTF_8));
        Path jar = work.resolve("fleet-plugin.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            add(out, "example/FleetPlugin.class", Files.readAllBytes(classes.resolve("example/FleetPlugin.class")));
            add(out, "META-INF/services/dev.midge.broker.security.AuthPlugin",
                    "example.FleetPlugin\n".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static void add(JarOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new JarEntry(name));
        OutputStream entry = out;
        entry.write(bytes);
        out.closeEntry();
    }
}
