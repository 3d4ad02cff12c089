package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * dojot's certificate retriever against the real broker.jar: {@code retriever_calls.py} makes its
 * calls (log in, POST /user, GET /ca/IOTmidCA, sign a CSR with CN=TENANT-DEVICE) with Debian's
 * python3-requests and python3-openssl; the device then publishes with the real mosquitto_pub as
 * {@code -i admin:dev1}, and DELETE /user drops its live connection.
 */
class EjbcaRestRetrieverIT {

    /** From a JVM launch to its first line takes over 30 s on a loaded two-core machine, on either TLS provider. */
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SCRIPT = Path.of("src/test/python/retriever_calls.py").toAbsolutePath();

    @TempDir
    Path work;

    @Test
    void retrieverEnrolsTenantDeviceWhichPublishesUntilItsUserIsDeleted() throws Exception {
        int port = Ports.freePort();
        int enrollmentPort = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--enrollment-port", Integer.toString(enrollmentPort))) {
            broker.awaitLine("EJBCA-REST admin token in .*ejbca-admin.token", WAIT);
            broker.awaitLine("Midge .* running", WAIT);
            BrokerProcess.Result reader = BrokerProcess.run(work, "device", "add", "reader", "--acl", "read /#",
                    "--data", "data", "--out", "certs");
            assertEquals(0, reader.exitCode(), reader.output());
            String url = "https://localhost:" + enrollmentPort;

            Script enrolled = retriever(url, "--out", "certs");
            assertEquals(0, enrolled.exitCode(), enrolled.output());
            broker.awaitLine("Enrolled admin:dev1 .* with the end entity's subject CN=admin:dev1 .*CN=admin-dev1", WAIT);

            MosquittoClients.Options device = MosquittoClients.options(port).add("-h", "localhost")
                    .cafile(work.resolve("certs/IOTmidCA.crt"))
                    .cert(work.resolve("certs/admin-dev1.crt"), work.resolve("certs/admin-dev1.key"))
                    .clientId("admin:dev1");
            try (RunningSubscriber all = MosquittoClients.subscribe(MosquittoClients.options(port)
                    .add("-h", "localhost").cafile(work.resolve("certs/ca.crt"))
                    .cert(work.resolve("certs/reader.crt"), work.resolve("certs/reader.key")), "-t", "/#", "-v")) {
                assertNotNull(all.awaitSubscribed(WAIT), all::stderr);
                ProcessResult published = MosquittoClients.publish(device, "-t", "/admin/dev1/attrs", "-m", "hello");
                assertEquals(0, published.exitCode(), published::toString);
                // Arrives only if POST /user gave admin:dev1 write on its attrs topic.
                assertEquals("/admin/dev1/attrs hello", all.awaitLine(WAIT));
            }
            broker.awaitLine("New client connected .* u'admin:dev1'", WAIT);

            try (RunningSubscriber live = MosquittoClients.subscribe(device, "-t", "/admin/dev1/config")) {
                assertNotNull(live.awaitSubscribed(WAIT), live::stderr);
                Script deleted = retriever(url, "--delete");
                assertEquals(0, deleted.exitCode(), deleted.output());
                broker.awaitLine("Disconnecting .*admin:dev1.* is revoked \\(keyCompromise", WAIT);
                ProcessResult ended = live.awaitExit(WAIT);
                assertNotNull(ended, "the revoked device's subscriber must be disconnected");
                assertNotEquals(0, ended.exitCode(), ended::toString);
            }
            ProcessResult refused = MosquittoClients.publish(device, "-t", "/admin/dev1/attrs", "-m", "after");
            assertNotEquals(0, refused.exitCode(), refused::toString);
            String acl = Files.readString(work.resolve("data/acl"));
            assertFalse(acl.contains("user admin:dev1"), "DELETE /user removes the ACL entries:\n" + acl);
        }
    }

    record Script(int exitCode, String output) {
    }

    /** /usr/bin/python3 explicitly: a pyenv python3 on the PATH would lack Debian's modules. */
    private Script retriever(String url, String... more) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString(), url, "dev1",
                "IOTmidCA", "--token-file", "data/ejbca-admin.token"));
        command.addAll(List.of(more));
        ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true);
        builder.environment().put("REQUESTS_CA_BUNDLE", work.resolve("data/ca.crt").toString());
        Process p = builder.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish:\n" + out);
        }
        return new Script(p.exitValue(), out);
    }
}
