package dev.midge.conf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a mosquitto.conf give a configuration or a {@link ConfigException} that names
 * {@code file:line:}; nothing else escapes (no NumberFormatException, no index out of bounds).
 * Regression inputs: {@code src/test/resources/dev/midge/conf/MosquittoConfFuzzTestInputs/}.
 */
class MosquittoConfFuzzTest {

    private static Path dir;
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        dir = Files.createTempDirectory("midge-conf-fuzz");
        // Not *.conf: an include_dir of this directory must not find the input itself.
        file = dir.resolve("mosquitto.conf.fuzz");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @FuzzTest
    @Timeout(10)
    void parsesOrNamesTheFileAndLine(byte[] conf) throws IOException {
        // Through a real file, so that bytes that are not UTF-8 reach the reader as they would.
        Files.write(file, conf);
        ParsedConf parsed;
        try {
            parsed = MosquittoConf.parse(file);
        } catch (ConfigException e) {
            assertNamesFileAndLine(e, conf);
            return;
        }
        assertNotNull(parsed.config());
        for (ConfigWarning w : parsed.warnings()) {
            assertTrue(w.file() != null && w.line() >= 1 && !w.message().isBlank(), w.toString());
        }
    }

    private static void assertNamesFileAndLine(ConfigException e, byte[] conf) {
        assertNotNull(e.file(), e.getMessage());
        assertTrue(e.line() >= 1, () -> "no line in: " + e.getMessage());
        assertTrue(e.getMessage().startsWith(e.file() + ":" + e.line() + ": "), e.getMessage());
        assertTrue(!e.reason().isBlank(), e.getMessage());
        if (e.file().equals(file)) {
            long newlines = 0;
            for (byte b : conf) {
                newlines += b == '\n' ? 1 : 0;
            }
            long lines = newlines + 1;
            assertTrue(e.line() <= lines, () -> "line " + e.line() + " of " + lines + ": " + e.getMessage());
        }
    }
}
