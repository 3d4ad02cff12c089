package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run}'s command line as operators and their scripts use it, through the real jar. */
class RunCommandLineIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void confInTheDataDirectoryIsNotRewrittenWhenRunWithItAndData() throws Exception {
        DataDirectory.openOrInitialize(work.resolve("data"), 8883);
        Path conf = work.resolve("data/midge.conf");
        String edited = "# edited by the operator\n"
                + Files.readString(conf).replace("listener 8883", "listener " + Ports.freePort());
        Files.writeString(conf, edited);

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "data/midge.conf", "--data", "data",
                "--enrollment-port", Integer.toString(Ports.freePort()))) {
            broker.awaitLine("Midge .* running", WAIT);
            assertEquals(edited, Files.readString(conf));
        }
    }

    @Test
    void daemonOptionIsRefusedSayingWhyAndWhatToUseInstead() throws Exception {
        BrokerProcess.Result daemon = BrokerProcess.run(work, "-c", "/dev/null", "-d");

        assertEquals(1, daemon.exitCode(), daemon.output());
        assertTrue(daemon.output().contains("cannot fork itself into the background"), daemon.output());
        assertTrue(daemon.output().contains("systemd") && daemon.output().contains("nohup"), daemon.output());
    }

    @Test
    void portOptionWithAConfWithoutListenersReplacesLocalOnly1883() throws Exception {
        int port = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "/dev/null", "-p", Integer.toString(port))) {
            broker.awaitLine("Midge .* running", WAIT);

            ProcessResult published = MosquittoClients.publish(MosquittoClients.options(port), "-t", "a", "-m", "b");

            assertEquals(0, published.exitCode(), published::toString);
        }
    }

    @Test
    void portOptionIsIgnoredWithAWarningWhenTheConfDeclaresAListener() throws Exception {
        int listener = Ports.freePort();
        Files.writeString(work.resolve("one.conf"), "listener " + listener + " 127.0.0.1\nallow_anonymous true\n");
        int ignored = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "one.conf", "-p", Integer.toString(ignored))) {
            broker.awaitLine("Midge .* running", WAIT);
            assertTrue(broker.output().contains("-p [" + ignored + "] is ignored: one.conf declares listeners"),
                    broker.output());

            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(listener), "-t", "a", "-m", "b").exitCode());
            assertNotEquals(0, MosquittoClients.publish(MosquittoClients.options(ignored), "-t", "a", "-m", "b").exitCode());
        }
    }

    @Test
    void verboseLogsEverythingWhateverTheConfsLogType() throws Exception {
        int port = Ports.freePort();
        Files.writeString(work.resolve("quiet.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n"
                + "log_type error\nlog_dest stdout\n");
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "quiet.conf", "-v")) {
            broker.awaitLine("Midge .* running", WAIT);

            MosquittoClients.publish(MosquittoClients.options(port).clientId("loud"), "-t", "a", "-m", "b");

            broker.awaitLine("New client connected .* as loud", WAIT);
        }
    }
}
