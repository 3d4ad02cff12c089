package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Where the secure default listens and which names its certificate carries, checked the way a
 * device checks them: mosquitto_pub verifies the host name it dialled (no --insecure).
 */
class SecureDefaultListenerIT {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path work;

    @Test
    void deviceDiallingTheMachinesAddressVerifiesTheDefaultServerCertificate() throws Exception {
        String address = nonLoopbackIpv4();
        int port = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port))) {
            broker.awaitLine("Midge .* running", WAIT);
            addDevice("dev1");

            assertEquals(0, publish(address, port, "dev1").exitCode(), () -> publish(address, port, "dev1").toString());
        }
    }

    @Test
    void serverNamesAreTheOperatorsAndAChangedListReissuesTheCertificate() throws Exception {
        int port = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--server-name", "localhost,127.0.0.2")) {
            String running = broker.awaitLine("Midge .* running", WAIT);
            // Created for these names: the first run issues the server certificate once.
            assertFalse(broker.linesBefore(running).stream().anyMatch(l -> l.contains("Issued a new server certificate")),
                    broker.output());
            addDevice("dev2");
            ProcessResult by127002 = publish("127.0.0.2", port, "dev2");
            assertEquals(0, by127002.exitCode(), by127002::toString);
        }
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--server-name", "localhost,127.0.0.3")) {
            broker.awaitLine("Issued a new server certificate .* for localhost, 127.0.0.3 \\(the old one was for"
                    + " localhost, 127.0.0.2\\)", WAIT);
            broker.awaitLine("Midge .* running", WAIT);
            // The name is all that is wrong: without the host-name check the same client gets in.
            ProcessResult by127002 = publish("127.0.0.2", port, "dev2");
            assertNotEquals(0, by127002.exitCode(), by127002::toString);
            ProcessResult insecure = publish("127.0.0.2", port, "dev2", "--insecure");
            assertEquals(0, insecure.exitCode(), insecure::toString);
            assertEquals(0, publish("127.0.0.3", port, "dev2").exitCode());
        }
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--server-name", "localhost,127.0.0.3")) {
            broker.awaitLine("Midge .* running", WAIT);
            assertFalse(broker.output().contains("Issued a new server certificate"), broker.output());
        }
    }

    @Test
    void bindListensOnThatAddressOnly() throws Exception {
        int port = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--bind", "127.0.0.2")) {
            broker.awaitLine("Midge .* running", WAIT);

            try (Socket accepted = new Socket()) {
                accepted.connect(new InetSocketAddress("127.0.0.2", port), 10_000);
            }
            assertThrows(IOException.class, () -> {
                try (Socket refused = new Socket()) {
                    refused.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
                }
            });
        }
    }

    private void addDevice(String id) throws Exception {
        BrokerProcess.Result add = BrokerProcess.run(work, "device", "add", id, "--data", "data", "--out", "certs");
        assertEquals(0, add.exitCode(), add.output());
    }

    private ProcessResult publish(String host, int port, String id, String... more) {
        Path certs = work.resolve("certs");
        return MosquittoClients.publish(MosquittoClients.options(port).add("-h", host).add(more)
                        .cafile(certs.resolve("ca.crt")).cert(certs.resolve(id + ".crt"), certs.resolve(id + ".key")),
                "-t", "/admin/" + id + "/attrs", "-m", "hello");
    }

    private static String nonLoopbackIpv4() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        throw new AssertionError("this machine has no non-loopback IPv4 address to dial");
    }
}
