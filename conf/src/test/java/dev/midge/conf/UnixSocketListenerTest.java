package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code listener 0 PATH} (mosquitto 2.0): a unix socket listener with its block's options. */
class UnixSocketListenerTest {

    @TempDir
    Path dir;

    @Test
    void aUnixSocketListenerIsBuiltWithItsOptions() throws IOException {
        Path conf = write("""
                listener 0 /run/mosquitto/mqtt.sock
                max_connections 10
                mount_point local/
                listener 1883
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(), parsed.warnings());
        assertEquals(2, parsed.config().listeners().size());
        ListenerConfig socket = parsed.config().listeners().get(0);
        assertTrue(socket.isUnixSocket());
        assertEquals(Path.of("/run/mosquitto/mqtt.sock"), socket.extras().unixSocket());
        assertEquals(0, socket.port());
        assertEquals(10, socket.maxConnections());
        assertEquals("local/", socket.extras().mountPoint());
        assertNull(parsed.config().listeners().get(1).extras().unixSocket());
        assertEquals(socket, socket.withBindAddress("127.0.0.1"), "--bind does not apply to a socket file");
    }

    @Test
    void websocketsOnAUnixSocketStopStartUp() throws IOException {
        // mosquitto 2.0 cannot open it either: "Unable to start any listening sockets".
        Path conf = write("listener 0 /run/mqtt.sock\nprotocol websockets\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(1, e.line());
        assertTrue(e.getMessage().contains("a unix socket listener serves MQTT only"), e.getMessage());
    }

    @Test
    void bindInterfaceOnAUnixSocketStopsStartUp() throws IOException {
        Path conf = write("listener 0 /run/mqtt.sock\nbind_interface eth0\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(2, e.line());
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
