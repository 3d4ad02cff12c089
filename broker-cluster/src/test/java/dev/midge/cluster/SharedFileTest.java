package dev.midge.cluster;

import dev.midge.testing.LogCapture;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cache keys of shared security files: equal for the same listener on every node, never for two listeners. */
class SharedFileTest {

    @Test
    void brokerWideFilesHaveOneKeyEach() {
        SharedFileSet set = new SharedFileSet();
        set.add(SharedFile.crl(Path.of("/data/crl.pem")));
        set.global(SharedFile.Kind.ACL, Path.of("/data/acl"));
        set.global(SharedFile.Kind.PASSWORD, Path.of("/data/passwd"));
        set.global(SharedFile.Kind.CA, Path.of("/data/ca.crt"));

        assertEquals(List.of("crl", "acl", "password", "cafile"), keys(set));
    }

    @Test
    void aListenersFileIsKeyedByItsPortNotItsPath() {
        SharedFileSet node1 = new SharedFileSet();
        node1.listener(SharedFile.Kind.PASSWORD, Path.of("/etc/midge/pw-1883"), "1883");
        node1.listener(SharedFile.Kind.PASSWORD, Path.of("/etc/midge/pw-1884"), "1884");
        SharedFileSet node2 = new SharedFileSet();
        node2.listener(SharedFile.Kind.PASSWORD, Path.of("/srv/other-name"), "1883");
        node2.listener(SharedFile.Kind.PASSWORD, Path.of("/srv/second"), "1884");

        assertEquals(List.of("password@1883", "password@1884"), keys(node1));
        assertEquals(keys(node1), keys(node2));
    }

    @Test
    void crlFilesOfDifferentListenersKeepTheirOwnKeys() {
        SharedFileSet set = new SharedFileSet();
        set.listener(SharedFile.Kind.CRL, Path.of("/etc/midge/crl-a.pem"), "8883");
        set.listener(SharedFile.Kind.CRL, Path.of("/etc/midge/crl-b.pem"), "8884");

        assertEquals(List.of("crl@8883", "crl@8884"), keys(set));
        assertTrue(set.files().get(0).versionedByCrlNumber());
    }

    @Test
    void aFileOfTwoListenersHasOneKeyForBoth() {
        SharedFileSet set = new SharedFileSet();
        set.listener(SharedFile.Kind.ACL, Path.of("/etc/midge/acl"), "8883");
        set.listener(SharedFile.Kind.ACL, Path.of("/etc/midge/acl"), "1883");
        set.listener(SharedFile.Kind.ACL, Path.of("/run/midge.sock.acl"), "/run/midge.sock");

        assertEquals(List.of("acl@1883+8883", "acl@/run/midge.sock"), keys(set));
        assertEquals("acl_file /etc/midge/acl of listener 1883+8883", set.files().get(0).describe());
    }

    @Test
    void twoFilesThatWouldShareAKeyAreNeitherShared() {
        SharedFileSet set = new SharedFileSet();
        set.listener(SharedFile.Kind.ACL, Path.of("/etc/midge/acl-lan"), "1883");
        set.listener(SharedFile.Kind.ACL, Path.of("/etc/midge/acl-wan"), "1883");
        set.listener(SharedFile.Kind.ACL, Path.of("/etc/midge/acl-tls"), "8883");

        try (LogCapture log = LogCapture.of(SharedFileSet.class)) {
            assertEquals(List.of("acl@8883"), keys(set));
            assertEquals(1, log.matching("Not sharing acl_file with the cluster: listeners 1883 on one port name "
                    + "different files ([/etc/midge/acl-lan, /etc/midge/acl-wan])").size(), log.lines().toString());
        }
    }

    @Test
    void theFilesAnotherNodeHasNoCounterpartForAreNamed() {
        SharedFileSet mine = new SharedFileSet();
        mine.global(SharedFile.Kind.ACL, Path.of("/data/acl"));
        mine.listener(SharedFile.Kind.PASSWORD, Path.of("/etc/midge/pw-1883"), "1883");
        mine.listener(SharedFile.Kind.PASSWORD, Path.of("/etc/midge/pw-9000"), "9000");
        SharedFileSet theirs = new SharedFileSet();
        theirs.global(SharedFile.Kind.ACL, Path.of("/elsewhere/acl"));
        theirs.listener(SharedFile.Kind.PASSWORD, Path.of("/x/pw"), "1883");

        Set<String> theirKeys = ListenerLayout.decode(ListenerLayout.encode(theirs.files()));
        List<SharedFile> unmatched = ListenerLayout.unmatched(mine.files(), theirKeys);

        assertEquals(List.of("password_file /etc/midge/pw-9000 of listener 9000"),
                unmatched.stream().map(SharedFile::describe).toList());
        assertTrue(ListenerLayout.decode(ListenerLayout.encode(List.of())).isEmpty());
    }

    private static List<String> keys(SharedFileSet set) {
        return set.files().stream().map(SharedFile::key).toList();
    }
}
