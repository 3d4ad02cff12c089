package dev.midge.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The acl_file grammar, line by line. */
class AclFileTest {

    @Test
    void commentsBlankLinesAndSurroundingSpaceAreIgnored() {
        Acl acl = Acl.of(
                "# a comment",
                "",
                "   ",
                "\t# an indented comment",
                "user bob   ",
                "   topic read a/b   ",
                "topic\twrite\tc/d");
        assertTrue(acl.user("bob").canReceive("a/b"));
        assertTrue(acl.user("bob").canPublish("c/d"));
        assertEquals(2, acl.rules().ruleCount());
    }

    @Test
    void accessDefaultsToReadwrite() {
        Acl acl = Acl.of("user bob", "topic a/b");
        assertTrue(acl.user("bob").canPublish("a/b"));
        assertTrue(acl.user("bob").canReceive("a/b"));
    }

    @Test
    void eachAccessWordGrantsWhatItSays() {
        Acl acl = Acl.of("user bob",
                "topic read r", "topic write w", "topic readwrite rw", "topic deny d");
        Acl.Client bob = acl.user("bob");
        assertTrue(bob.canReceive("r"));
        assertFalse(bob.canPublish("r"));
        assertTrue(bob.canPublish("w"));
        assertFalse(bob.canReceive("w"));
        assertTrue(bob.canPublish("rw"));
        assertTrue(bob.canReceive("rw"));
        assertFalse(bob.canPublish("d"));
        assertFalse(bob.canReceive("d"));
    }

    @Test
    void aTopicWithSpacesIsTheRestOfTheLineAfterTheAccess() {
        Acl acl = Acl.of("user bob", "topic read living room/  lamp ");
        assertTrue(acl.user("bob").canReceive("living room/  lamp"));
        assertFalse(acl.user("bob").canReceive("living"));
    }

    @Test
    void aUsernameIsTheWholeRestOfTheLineSpacesIncluded() {
        Acl acl = Acl.of("user  Jane Doe ", "topic read a");
        assertTrue(acl.user("Jane Doe").canReceive("a"));
        assertFalse(acl.user("Jane").canReceive("a"));
    }

    @Test
    void aLoneWordAfterTopicIsTheTopicNotAnAccess() {
        // mosquitto reads "topic read" as readwrite access to the topic "read".
        Acl acl = Acl.of("user bob", "topic read");
        assertTrue(acl.user("bob").canPublish("read"));
    }

    @Test
    void topicLinesBeforeAnyUserApplyOnlyToClientsWithoutUsername() {
        Acl acl = Acl.of("topic read public/#", "user bob", "topic read bob/#");
        assertTrue(acl.anonymous().canReceive("public/news"));
        assertFalse(acl.user("bob").canReceive("public/news"));
        assertFalse(acl.anonymous().canReceive("bob/x"));
    }

    @Test
    void aUserBlockMayBeContinuedLaterInTheFile() {
        Acl acl = Acl.of("user bob", "topic read a", "user alice", "topic read b", "user bob", "topic read c");
        assertTrue(acl.user("bob").canReceive("a"));
        assertTrue(acl.user("bob").canReceive("c"));
        assertFalse(acl.user("bob").canReceive("b"));
        assertEquals(2, acl.rules().userCount());
    }

    @Test
    void patternLinesApplyToEveryoneWhereverTheyAppear() {
        Acl acl = Acl.of("user bob", "topic read a", "pattern write devices/%u/state");
        assertTrue(acl.user("alice").canPublish("devices/alice/state"));
        assertTrue(acl.user("bob").canPublish("devices/bob/state"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "bogus a/b                    | test.acl:2: unknown keyword 'bogus' (expected user, topic or pattern)",
            "topic reed a/b               | test.acl:2: unknown access 'reed' (expected read, write, readwrite or deny; a topic with spaces needs one)",
            "topic a b                    | test.acl:2: unknown access 'a' (expected read, write, readwrite or deny; a topic with spaces needs one)",
            "topic                        | test.acl:2: 'topic' needs a topic filter",
            "pattern                      | test.acl:2: 'pattern' needs a topic filter",
            "user                         | test.acl:2: 'user' needs a username",
            "topic read a/#/b             | test.acl:2: '#' must be the last level of the topic filter 'a/#/b'",
            "topic read a/b+              | test.acl:2: '+' and '#' must fill a whole level, not part of one, in 'a/b+'",
            "topic read a#                | test.acl:2: '+' and '#' must fill a whole level, not part of one, in 'a#'",
            "pattern read devices/dev_%u  | test.acl:2: %u and %c must be a whole topic level (as in sensor/%u/data), not part of 'dev_%u'",
    })
    void aMistakeIsReportedWithFileAndLine(String badLine, String message) {
        InvalidFileException e = assertThrows(InvalidFileException.class,
                () -> AclFile.parse("test.acl", Arrays.asList("# fine", badLine, "topic fine")));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aMissingFileIsReportedByName(@org.junit.jupiter.api.io.TempDir Path dir) {
        Path missing = dir.resolve("nope.acl");
        InvalidFileException e = assertThrows(InvalidFileException.class, () -> AclFile.read(missing));
        assertEquals(missing + ": cannot be read: no such file", e.getMessage());
    }

    @Test
    void aFileThatIsNotUtf8IsReportedAsSuch(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.write(dir.resolve("latin1.acl"), "user j\u00f6rg\ntopic a\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        InvalidFileException e = assertThrows(InvalidFileException.class, () -> AclFile.read(file));
        assertEquals(file + ": cannot be read: it is not UTF-8 text", e.getMessage());
    }

    @Test
    void aByteOrderMarkIsIgnored() {
        Acl acl = Acl.of("\uFEFFuser bob", "topic read a");
        assertTrue(acl.user("bob").canReceive("a"));
    }

    @Test
    void aFileIsReadFromDisk(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("acl"), "user bob\ntopic read a/#\n");
        assertTrue(AclFile.read(file).canReceive("bob", "c", "a/b"));
    }
}
