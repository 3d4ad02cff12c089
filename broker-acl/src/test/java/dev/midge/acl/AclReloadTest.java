package dev.midge.acl;

import dev.midge.testing.LogCapture;
import dev.midge.testing.Deadlines;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import dev.midge.broker.security.ClientIdentity;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The ACL file is re-read live; a broken edit never changes what is allowed. */
class AclReloadTest {

    private static final ClientIdentity DEVICE =
            new ClientIdentity("dev1-client", "dev1", new InetSocketAddress("127.0.0.1", 40000), 1883, null);

    @TempDir
    Path dir;
    private Path aclFile;
    private FileWatcher watcher;

    @BeforeEach
    void setUp() throws IOException {
        aclFile = dir.resolve("acl");
        Files.writeString(aclFile, "user dev1\ntopic write /t/dev1/attrs\n");
        watcher = FileWatcher.start();
    }

    @AfterEach
    void tearDown() {
        watcher.close();
    }

    @Test
    void anEditInPlaceAppliesWithoutARestart() throws Exception {
        AclAuthorizer acl = AclAuthorizer.fromFile(aclFile, watcher);
        assertTrue(acl.canPublish(DEVICE, "/t/dev1/attrs"));
        assertFalse(acl.canReceive(DEVICE, "/t/dev1/config"));

        Files.writeString(aclFile, "user dev1\ntopic read /t/dev1/config\n");

        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> acl.canReceive(DEVICE, "/t/dev1/config"));
        assertFalse(acl.canPublish(DEVICE, "/t/dev1/attrs"));
    }

    @Test
    void anAtomicRenameAppliesWithoutARestart() throws Exception {
        AclAuthorizer acl = AclAuthorizer.fromFile(aclFile, watcher);
        Path next = Files.writeString(dir.resolve("acl.new"), "user dev1\ntopic read /t/dev1/config\n");

        Files.move(next, aclFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> acl.canSubscribe(DEVICE, "/t/dev1/config"));
        assertFalse(acl.canPublish(DEVICE, "/t/dev1/attrs"));
    }

    @Test
    void aBrokenEditKeepsThePreviousRulesAndSaysWhereTheMistakeIs() throws Exception {
        AclAuthorizer acl = AclAuthorizer.fromFile(aclFile, watcher);
        try (LogCapture log = LogCapture.of(Reloadable.class)) {
            Files.writeString(aclFile, "user dev1\ntopic read /t/dev1/config\ntopic raed /t/#\n");

            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(log::messages, hasItem(
                    "Not reloading ACL: " + aclFile + ":3: unknown access 'raed' (expected read, write, readwrite"
                            + " or deny; a topic with spaces needs one); the previous ACL stays in force."));
        }
        assertTrue(acl.canPublish(DEVICE, "/t/dev1/attrs"));
        assertFalse(acl.canReceive(DEVICE, "/t/dev1/config"));

        Files.writeString(aclFile, "user dev1\ntopic read /t/dev1/config\n");
        await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> acl.canReceive(DEVICE, "/t/dev1/config"));
    }

    @Test
    void aDeletedFileKeepsThePreviousRules() throws Exception {
        AclAuthorizer acl = AclAuthorizer.fromFile(aclFile, watcher);
        try (LogCapture log = LogCapture.of(Reloadable.class)) {
            Files.delete(aclFile);
            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(log::messages, hasItem(
                    "Not reloading ACL: " + aclFile + ": cannot be read: no such file; the previous ACL stays in force."));
        }
        assertTrue(acl.canPublish(DEVICE, "/t/dev1/attrs"));
    }

    @Test
    void aBrokenFileAtStartUpIsFatal() throws IOException {
        Files.writeString(aclFile, "user dev1\n\nfrobnicate\n");
        InvalidFileException e = assertThrows(InvalidFileException.class, () -> AclAuthorizer.fromFile(aclFile, watcher));
        assertEquals(aclFile + ":3: unknown keyword 'frobnicate' (expected user, topic or pattern)", e.getMessage());
    }
}
