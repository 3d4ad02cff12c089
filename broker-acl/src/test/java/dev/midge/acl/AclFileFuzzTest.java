package dev.midge.acl;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as an acl_file give rules or an {@link InvalidFileException} naming
 * {@code file:line:} (or {@code file:} when it is not UTF-8 text); and for any rules that
 * parse, authorising any client for any topic answers yes or no without throwing.
 *
 * <p>An input is the file, optionally followed by a NUL and a probe
 * {@code username NUL client-id NUL topic} (an empty username is a client without one). The
 * words of the file are probed as usernames and topics too, so the checks meet the rules.
 * Regression inputs: {@code src/test/resources/dev/midge/acl/AclFileFuzzTestInputs/}.
 */
class AclFileFuzzTest {

    private static final int MAX_PROBES = 64;
    private static Path file;

    @BeforeAll
    static void createFile() throws IOException {
        file = Files.createTempFile("midge-acl-fuzz", ".acl");
    }

    @AfterAll
    static void deleteFile() throws IOException {
        Files.deleteIfExists(file);
    }

    @FuzzTest
    @Timeout(10)
    void rulesParseOrNameTheFileAndLineAndChecksNeverThrow(byte[] input) throws IOException {
        int nul = indexOf(input, (byte) 0, 0);
        byte[] acl = nul < 0 ? input : Arrays.copyOf(input, nul);
        Files.write(file, acl);
        AclRules rules;
        try {
            rules = AclFile.read(file);
        } catch (InvalidFileException e) {
            assertNamesTheFile(e.getMessage());
            return;
        }
        AclAuthorizer authorizer = AclAuthorizer.of(rules);
        for (String[] probe : probes(input, nul, new String(acl, StandardCharsets.UTF_8))) {
            ClientIdentity client = new ClientIdentity(probe[1], probe[0], new InetSocketAddress("127.0.0.1", 50_000),
                    1883, null);
            authorizer.canPublish(client, probe[2]);
            authorizer.canSubscribe(client, probe[2]);
            authorizer.canReceive(client, probe[2]);
        }
    }

    private static void assertNamesTheFile(String message) {
        String prefix = file + ":";
        assertTrue(message.startsWith(prefix), message);
        String rest = message.substring(prefix.length());
        assertTrue(rest.matches("(?s)[1-9][0-9]*: \\S.*") || rest.startsWith(" cannot be read: "), message);
    }

    /** {username or null, client id, topic} triples: the one in the input, then the file's words. */
    private static List<String[]> probes(byte[] input, int nul, String acl) {
        List<String[]> probes = new ArrayList<>();
        if (nul >= 0) {
            String[] fields = new String(input, nul + 1, input.length - nul - 1, StandardCharsets.UTF_8).split("\0", 3);
            if (fields.length == 3) {
                probes.add(new String[]{fields[0].isEmpty() ? null : fields[0], fields[1], fields[2]});
            }
        }
        String[] words = acl.split("\\s+");
        for (int i = 0; i < words.length && probes.size() < MAX_PROBES; i++) {
            String word = words[i];
            String topic = word.replace("%u", "user").replace("%c", "client").replace("+", "x").replace("#", "y");
            probes.add(new String[]{null, "client", topic});
            probes.add(new String[]{word, word, topic});
            probes.add(new String[]{"user", "client", word});
        }
        return probes;
    }

    private static int indexOf(byte[] bytes, byte b, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}
