package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A broker started under nohup (SIGHUP ignored, inherited by the JVM) says so and reloads on `reload`. */
class ReloadIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void brokerUnderNohupWarnsThatSighupIsIgnoredAndReloadsThroughItsPidFile() throws Exception {
        Files.writeString(work.resolve("broker.conf"), "listener " + dev.midge.testing.Ports.freePort()
                + " 127.0.0.1\nallow_anonymous true\n");
        try (BrokerProcess broker = BrokerProcess.startUnder(List.of("/usr/bin/nohup"), work,
                "-c", "broker.conf", "--pid-file", "broker.pid")) {
            broker.awaitLine("Midge .* running", WAIT);
            assertTrue(broker.output().contains("SIGHUP is ignored by this process"), broker.output());
            assertTrue(broker.output().contains("reload --pid-file broker.pid"), broker.output());
            assertEquals(Long.toString(broker.pid()), Files.readString(work.resolve("broker.pid")).strip());

            BrokerProcess.Result reload = BrokerProcess.run(work, "reload", "--pid-file", "broker.pid");

            assertEquals(0, reload.exitCode(), reload.output());
            broker.awaitLine("Reload requested through broker.pid.reload: reloading", WAIT);
        }
    }

    @Test
    void reloadOfABrokerThatIsNotRunningSaysSo() throws Exception {
        Files.writeString(work.resolve("stale.pid"), "2147483646\n");

        BrokerProcess.Result reload = BrokerProcess.run(work, "reload", "--pid-file", "stale.pid");

        assertEquals(1, reload.exitCode(), reload.output());
        assertTrue(reload.output().contains("no broker is running as pid 2147483646 (from stale.pid)"), reload.output());
    }
}
