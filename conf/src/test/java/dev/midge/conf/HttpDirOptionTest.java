package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** {@code http_dir}: a websockets listener's static files; on any other listener warned, as mosquitto does. */
class HttpDirOptionTest {

    @TempDir
    Path dir;

    @Test
    void aWebsocketsListenerKeepsItsHttpDir() throws IOException {
        Path conf = write("listener 8080\nhttp_dir /var/www/mqtt\nprotocol websockets\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(), parsed.warnings());
        assertEquals(Path.of("/var/www/mqtt"), parsed.config().listeners().get(0).extras().httpDir());
    }

    @Test
    void onAnMqttListenerItIsWarnedAndIgnored() throws IOException {
        Path conf = write("listener 1883\nhttp_dir /var/www/mqtt\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(new ConfigWarning(conf, 2, "http_dir applies only to a websockets listener; ignored")),
                parsed.warnings());
        assertNull(parsed.config().listeners().get(0).extras().httpDir());
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
