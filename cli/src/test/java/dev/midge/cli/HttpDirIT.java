package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mosquitto.conf's {@code http_dir} through broker.jar: curl gets the page, and a missing directory stops start-up. */
class HttpDirIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void aWebsocketsListenerServesItsHttpDir() throws Exception {
        int port = Ports.freePort();
        Path site = Files.createDirectories(work.resolve("www"));
        Files.writeString(site.resolve("index.html"), "<p>hello</p>\n");
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                allow_anonymous true
                listener %d 127.0.0.1
                protocol websockets
                http_dir %s
                """.formatted(port, site));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            ProcessResult page = MosquittoClients.run(List.of("curl", "-s", "-w", " %{http_code}",
                    "http://127.0.0.1:" + port + "/"), WAIT);
            assertEquals("<p>hello</p>\n 200", page.stdout(), page.toString());
            ProcessResult outside = MosquittoClients.run(List.of("curl", "-s", "--path-as-is", "-o", "/dev/null",
                    "-w", "%{http_code}", "http://127.0.0.1:" + port + "/../mosquitto.conf"), WAIT);
            assertEquals("403", outside.stdout(), outside.toString());
        }
    }

    @Test
    void anHttpDirThatIsNotADirectoryStopsStartUpAtItsListener() throws Exception {
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                allow_anonymous true
                listener %d 127.0.0.1
                protocol websockets
                http_dir %s
                """.formatted(Ports.freePort(), work.resolve("no-such-dir")));

        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());

        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains(conf + ":2: http_dir " + work.resolve("no-such-dir")
                + " is not a directory"), result.output());
    }
}
