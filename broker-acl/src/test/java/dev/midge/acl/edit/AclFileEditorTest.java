package dev.midge.acl.edit;

import dev.midge.acl.AclFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclFileEditorTest {

    private static final String WRITTEN_BY_HAND = "# devices\nuser dev1\ntopic write /t/dev1/attrs\n\npattern read /%u/in\n";

    @TempDir
    Path dir;

    @Test
    void addedEntriesLandInTheUsersBlockAndTheResultParses() throws Exception {
        Path acl = write(WRITTEN_BY_HAND);

        new AclFileEditor(acl).addEntries("dev1", List.of(new AclEntry("read", "/t/dev1/config")));
        new AclFileEditor(acl).addEntries("dev2", List.of(AclEntry.parse("write /t/dev2/attrs")));

        assertEquals("# devices\nuser dev1\ntopic write /t/dev1/attrs\ntopic read /t/dev1/config\n\npattern read /%u/in\n"
                + "\nuser dev2\ntopic write /t/dev2/attrs\n", Files.readString(acl));
        AclFile.read(acl);
    }

    @Test
    void editThatWouldMakeTheAclUnreadableIsRefusedAndTheFileIsUnchanged() throws Exception {
        Path acl = write(WRITTEN_BY_HAND);
        // the record does not check its filter (only parse() does): '#' in the middle is not a filter
        AclEntry broken = new AclEntry("read", "/t/#/config");

        AclEditException refused = assertThrows(AclEditException.class,
                () -> new AclFileEditor(acl).addEntries("dev1", List.of(broken)));

        assertTrue(refused.getMessage().startsWith("the edit was not written, the ACL would not be readable: "
                + acl + ":4: "), refused.getMessage());
        assertEquals(WRITTEN_BY_HAND, Files.readString(acl));
    }

    @Test
    void removingAUserKeepsPatternLinesAndOtherUsers() throws Exception {
        Path acl = write(WRITTEN_BY_HAND + "\nuser dev2\ntopic read /t/dev2/config\n");

        assertTrue(new AclFileEditor(acl).removeUser("dev1"));

        assertFalse(new AclFileEditor(acl).hasUser("dev1"));
        assertTrue(new AclFileEditor(acl).hasUser("dev2"));
        assertEquals("# devices\n\npattern read /%u/in\n\nuser dev2\ntopic read /t/dev2/config\n", Files.readString(acl));
    }

    @Test
    void missingAclFileIsNamed() {
        Path acl = dir.resolve("absent.acl");

        AclEditException refused = assertThrows(AclEditException.class,
                () -> new AclFileEditor(acl).addEntries("dev1", List.of(new AclEntry("read", "/x"))));

        assertEquals(acl + ": no such ACL file", refused.getMessage());
        assertFalse(Files.exists(acl));
    }

    private Path write(String text) throws Exception {
        Path acl = dir.resolve("acl");
        Files.writeString(acl, text);
        return acl;
    }
}
