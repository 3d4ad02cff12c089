package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Midge trusts only its cafile/capath, never the JVM's default trust store: a JVM whose own trust
 * store cannot be read (a wrong javax.net.ssl.trustStore* option, a runtime without cacerts) still
 * runs its mutual-TLS listeners, and the broker does not keep the JDK's cacerts in memory.
 */
class JdkTrustStoreIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;

    @Test
    void mutualTlsListenerServesDevicesWhenTheJvmsDefaultTrustStoreCannotBeRead() throws Exception {
        int port = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.startWithJvmOptions(work, Map.of(),
                List.of("-Djavax.net.ssl.trustStoreType=no-such-keystore-type"),
                "--data", "data", "--port", Integer.toString(port))) {
            broker.awaitLine("Midge .* running", WAIT);
            BrokerProcess.Result added = BrokerProcess.run(work, "device", "add", "dev1", "--data", "data", "--out", "certs");
            assertEquals(0, added.exitCode(), added::output);

            Path certs = work.resolve("certs");
            ProcessResult published = MosquittoClients.publish(MosquittoClients.options(port).add("-h", "localhost")
                            .cafile(certs.resolve("ca.crt"))
                            .cert(certs.resolve("dev1.crt"), certs.resolve("dev1.key")),
                    "-t", "/admin/dev1/attrs", "-m", "hello", "-q", "1");
            assertEquals(0, published.exitCode(), () -> published + "\n" + broker.output());
        }
    }
}
