package dev.midge.acl.password;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.acl.InvalidFileException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as a password_file give the users' hashes or an {@link InvalidFileException}
 * naming {@code file:line:} (or {@code file:} when it is not UTF-8 text); nothing else escapes.
 * Regression inputs: {@code src/test/resources/dev/midge/acl/password/PasswordFileFuzzTestInputs/}.
 */
class PasswordFileFuzzTest {

    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("midge-passwd-fuzz", ".passwd");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest
    @Timeout(10)
    void parsesOrNamesTheFileAndLine(byte[] input) throws IOException {
        Files.write(file, input);
        try {
            PasswordFile.read(file);
        } catch (InvalidFileException e) {
            String prefix = file + ":";
            assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
            String rest = e.getMessage().substring(prefix.length());
            assertTrue(rest.matches("(?s)[1-9][0-9]*: \\S.*") || rest.startsWith(" cannot be read: "), e.getMessage());
        }
    }
}
