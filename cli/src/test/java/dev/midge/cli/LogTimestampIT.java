package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** log_timestamp and log_timestamp_format shape every line broker.jar writes. */
class LogTimestampIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private String runningLine(String options) throws Exception {
        Path conf = Files.writeString(work.resolve("mosquitto.conf"),
                "listener " + Ports.freePort() + " 127.0.0.1\n" + options);
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            return broker.awaitLine("Midge .* running", WAIT);
        }
    }

    @Test
    void logTimestampFalseLeavesTheTimestampOut() throws Exception {
        String line = runningLine("log_timestamp false\n");
        assertTrue(line.matches("INFO +Midge .* running"), line);
    }

    @Test
    void logTimestampFormatIsStrftimes() throws Exception {
        String line = runningLine("log_timestamp_format [%Y-%m-%d, %H:%M:%S]\n");
        assertTrue(line.matches("\\[\\d{4}-\\d{2}-\\d{2}, \\d{2}:\\d{2}:\\d{2}] INFO +Midge .* running"), line);
    }
}
