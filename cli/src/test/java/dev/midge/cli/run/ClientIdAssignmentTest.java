package dev.midge.cli.run;

import dev.midge.conf.MosquittoConf;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * allow_zero_length_clientid and auto_id_prefix from a mosquitto.conf, seen by the real
 * mosquitto_pub, which sends an empty client id unless given {@code -i}.
 */
class ClientIdAssignmentTest {

    @TempDir
    Path dir;
    private RunningBroker running;

    @AfterEach
    void stop() {
        if (running != null) {
            running.close();
        }
    }

    private void start(String conf) throws Exception {
        running = BrokerAssembly.start(MosquittoConf.parse(Files.writeString(dir.resolve("midge.conf"), conf)).config());
    }

    private static ProcessResult publish(int port, String... options) {
        return MosquittoClients.publish(MosquittoClients.options(port).add(options), "-t", "t", "-m", "x", "-q", "1");
    }

    @Test
    void emptyClientIdsAreRefusedOnlyOnTheListenerThatSaysSo() throws Exception {
        int strict = Ports.freePort();
        int lenient = Ports.freePort();
        start(String.join("\n", "per_listener_settings true",
                "listener " + strict + " 127.0.0.1", "allow_anonymous true", "allow_zero_length_clientid false",
                "listener " + lenient + " 127.0.0.1", "allow_anonymous true", ""));

        ProcessResult v311 = publish(strict);
        assertNotEquals(0, v311.exitCode(), v311.toString());
        assertTrue(v311.stderr().contains("identifier rejected"), v311.toString());
        ProcessResult v5 = publish(strict, "-V", "mqttv5");
        assertNotEquals(0, v5.exitCode(), v5.toString());
        assertTrue(v5.stderr().contains("Client Identifier not valid"), v5.toString());

        assertEquals(0, publish(strict, "-i", "named").exitCode());
        assertEquals(0, publish(lenient).exitCode());
    }

    @Test
    void assignedClientIdsStartWithAutoIdPrefix() throws Exception {
        int port = Ports.freePort();
        start(String.join("\n", "listener " + port + " 127.0.0.1", "allow_anonymous true", "auto_id_prefix plant7-", ""));

        ProcessResult r = publish(port, "-V", "mqttv5", "-d");
        assertEquals(0, r.exitCode(), r.toString());
        assertTrue(r.stdout().contains("Client plant7-"), r.toString()); // mosquitto_pub -d names its assigned id
    }
}
