package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** bind_interface: the listener is reachable on that interface's addresses and nowhere else. */
class BindInterfaceIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void aListenerBoundToLoIsNotReachableOnOtherInterfaces() throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                allow_anonymous true
                listener %d
                bind_interface lo
                """.formatted(port));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            assertTrue(broker.output().contains("listen socket on 127.0.0.1:" + port), broker.output());
            ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(port), "-t", "t", "-m", "x");
            assertEquals(0, pub.exitCode(), pub::toString);

            Optional<InetAddress> other = otherAddress();
            if (other.isPresent()) {
                // Without bind_interface the listener would accept here (it binds every interface).
                assertThrows(ConnectException.class, () -> {
                    try (Socket s = new Socket()) {
                        s.connect(new InetSocketAddress(other.get(), port), 5000);
                    }
                }, "reachable on " + other.get());
            }
        }
    }

    @Test
    void anInterfaceThatDoesNotExistStopsStartUpAtItsLine() throws Exception {
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d
                bind_interface nosuch0
                """.formatted(Ports.freePort()));

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains(conf + ":2: bind_interface nosuch0 cannot be honoured: there is no such "
                + "network interface"), result.output());
    }

    /** An IPv4 address of an interface that is up and not loopback, if this machine has one. */
    private static Optional<InetAddress> otherAddress() throws Exception {
        for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (nic.isUp() && !nic.isLoopback()) {
                for (InetAddress a : Collections.list(nic.getInetAddresses())) {
                    if (a instanceof Inet4Address) {
                        return Optional.of(a);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
