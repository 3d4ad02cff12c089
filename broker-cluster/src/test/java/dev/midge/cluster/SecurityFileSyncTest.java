package dev.midge.cluster;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.testing.Deadlines;
import dev.midge.testing.LogCapture;
import dev.midge.testing.TestPki;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One node's side of the shared security files, on a real (local) Infinispan cache, real files
 * and the broker's file watcher: what a joining node adopts, how a local edit is versioned, and
 * that a CA file is never shared or adopted with anything but certificates in it.
 */
class SecurityFileSyncTest {

    @TempDir
    Path dir;
    private DefaultCacheManager manager;
    private Cache<String, byte[]> cache;
    private FileWatcher watcher;
    private final ExecutorService io = Executors.newSingleThreadExecutor();

    @BeforeEach
    void cache() {
        manager = new DefaultCacheManager();
        manager.defineConfiguration("security", new ConfigurationBuilder().build());
        cache = manager.getCache("security");
        watcher = FileWatcher.start();
    }

    @AfterEach
    void close() throws Exception {
        watcher.close();
        io.shutdownNow();
        manager.stop();
    }

    private SecurityFileSync start(SharedFile... files) throws Exception {
        SecurityFileSync sync = new SecurityFileSync(cache, List.of(files), io, "node-1", () -> List.of("node-1"));
        sync.start(watcher);
        return sync;
    }

    @Test
    void aJoiningNodeAdoptsTheClustersPasswordFile() throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "bob:$7$local\n");
        cache.put("password", SecurityFileSync.entry(42, "alice:$7$cluster\n".getBytes(StandardCharsets.UTF_8)));

        start(SharedFile.global(SharedFile.Kind.PASSWORD, passwd));

        assertEquals("alice:$7$cluster\n", Files.readString(passwd));
        assertEquals(42, SecurityFileSync.version(cache.get("password")));
    }

    @Test
    void aLocalEditIsNewerThanTheClustersCopyEvenWhenAnotherNodesClockIsAhead() throws Exception {
        Path passwd = Files.writeString(dir.resolve("passwd"), "alice:$7$one\n");
        long ahead = Instant.now().plus(Duration.ofDays(1)).toEpochMilli();
        cache.put("password@1884", SecurityFileSync.entry(ahead, "alice:$7$one\n".getBytes(StandardCharsets.UTF_8)));
        start(SharedFile.ofListeners(SharedFile.Kind.PASSWORD, passwd, List.of("1884")));

        Files.writeString(passwd, "alice:$7$one\ncarol:$7$two\n");
        watcher.checkNow();

        byte[] shared = awaitContent("password@1884", "alice:$7$one\ncarol:$7$two\n");
        assertEquals(ahead + 1, SecurityFileSync.version(shared));
    }

    @Test
    void aCaFileWithAPrivateKeyIsNotShared() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        Path ca = Files.writeString(dir.resolve("ca.crt"),
                Files.readString(pki.caFile()) + Files.readString(pki.device("dev1").keyFile()));
        try (LogCapture log = LogCapture.of(SecurityFileSync.class)) {
            start(SharedFile.global(SharedFile.Kind.CA, ca));

            assertNull(cache.get("cafile"));
            assertEquals(1, log.matching("Not sharing cafile " + ca + " with the cluster: it holds a PRIVATE KEY block; "
                    + "only certificates are shared; the other nodes keep theirs").size(),
                    log.lines().toString());
        }
    }

    @Test
    void aClusterCopyOfACaFileWithAPrivateKeyIsNotWritten() throws Exception {
        TestPki pki = TestPki.create(dir.resolve("pki"));
        String mine = Files.readString(pki.caFile());
        Path ca = Files.writeString(dir.resolve("ca.crt"), mine);
        cache.put("cafile", SecurityFileSync.entry(7,
                (mine + Files.readString(pki.device("dev1").keyFile())).getBytes(StandardCharsets.US_ASCII)));

        try (LogCapture log = LogCapture.of(SecurityFileSync.class)) {
            start(SharedFile.global(SharedFile.Kind.CA, ca));

            assertEquals(mine, Files.readString(ca));
            assertEquals(1, log.matching("Not adopting the cluster's copy of cafile " + ca + ": it holds a PRIVATE KEY "
                    + "block").size(), log.lines().toString());
        }
    }

    private byte[] awaitContent(String key, String expected) throws InterruptedException {
        Instant deadline = Instant.now().plus(Deadlines.RELOAD);
        while (Instant.now().isBefore(deadline)) {
            byte[] entry = cache.get(key);
            if (entry != null && new String(SecurityFileSync.content(entry), StandardCharsets.UTF_8).equals(expected)) {
                return entry;
            }
            Thread.sleep(Deadlines.POLL.toMillis());
        }
        assertTrue(false, key + " never held " + expected);
        return null;
    }
}
