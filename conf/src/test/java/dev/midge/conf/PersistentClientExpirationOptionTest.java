package dev.midge.conf;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** persistent_client_expiration takes mosquitto's durations: a number and h, d, w, m or y. */
class PersistentClientExpirationOptionTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @CsvSource({"2h,7200", "14d,1209600", "1w,604800", "1m,2592000", "1y,31536000"})
    void durationsAreReadInSeconds(String value, long seconds) throws IOException {
        ParsedConf parsed = MosquittoConf.parse(write("listener 1883\npersistent_client_expiration " + value + "\n"));

        assertEquals(seconds, parsed.config().persistentClientExpiration());
        assertEquals(List.of(), parsed.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10", "10s", "0h", "-1d", "1.5d", "137y"})
    void whatMosquittoRefusesStopsStartUpAtItsLine(String value) throws IOException {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse(write("listener 1883\npersistent_client_expiration " + value + "\n")));

        assertEquals(2, e.line());
    }

    @ParameterizedTest
    @ValueSource(strings = {"listener 1883\n"})
    void unsetMeansNever(String conf) throws IOException {
        assertEquals(0, MosquittoConf.parse(write(conf)).config().persistentClientExpiration());
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
