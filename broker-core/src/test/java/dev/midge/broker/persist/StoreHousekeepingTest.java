package dev.midge.broker.persist;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StoreHousekeepingTest {

    private static final int COMMITS = 1_500;
    private static final int ENTRY_BYTES = 512;
    /** An entry lives this many commits, like a queued message until its PUBACK... */
    private static final int LIFETIME = 100;
    /** ...except every tenth, which stays, like a retained message: it pins its chunk. */
    private static final int KEEP_EVERY = 10;

    @TempDir
    Path dir;

    @Test
    void fileShrinksToNearItsLiveDataOnceTrafficStops() throws Exception {
        Path file = dir.resolve(StoreFile.NAME);
        MVStore store = StoreFile.open(dir, false, s -> s);
        MVMap<String, byte[]> queue = StoreFile.map(store, "queue");
        GroupCommit<MVMap<String, byte[]>> writer = GroupCommitTest.writerOf(store, queue, file.toString());
        long peak = 0;
        try {
            for (int i = 0; i < COMMITS; i++) {
                int n = i;
                writer.submit(q -> {
                    q.put(key(n), entry(n));
                    int old = n - LIFETIME;
                    if (old >= 0 && old % KEEP_EVERY != 0) {
                        q.remove(key(old));
                    }
                }, ENTRY_BYTES);
                writer.barrier().get(10, TimeUnit.SECONDS);
                peak = Math.max(peak, Files.size(file));
            }
            long live = (long) queue.size() * ENTRY_BYTES;
            long bound = Math.max(1 << 20, 4 * live);
            assertTrue(peak > 4 * bound, "the load should have grown the file well past its bound first: " + peak);
            await().atMost(Duration.ofSeconds(20)).until(() -> size(file) < bound);
        } finally {
            writer.close();
        }
        MVStore reopened = StoreFile.open(dir, false, s -> s);
        try {
            MVMap<String, byte[]> queue2 = StoreFile.map(reopened, "queue");
            int expected = 0;
            for (int i = 0; i < COMMITS; i++) {
                if (i >= COMMITS - LIFETIME || i % KEEP_EVERY == 0) {
                    assertArrayEquals(entry(i), queue2.get(key(i)), key(i));
                    expected++;
                }
            }
            assertEquals(expected, queue2.size());
        } finally {
            reopened.close();
        }
    }

    @Test
    void aChunkLargerThanOneRoundsMoveBudgetStillLetsTheFileShrink() throws Exception {
        Path file = dir.resolve(StoreFile.NAME);
        MVStore store = StoreFile.open(dir, false, s -> s);
        MVMap<String, byte[]> queue = StoreFile.map(store, "queue");
        GroupCommit<MVMap<String, byte[]>> writer = GroupCommitTest.writerOf(store, queue, file.toString());
        int bigEntry = 16 * 1024;
        int liveEntries = 768; // 12 MiB in one batch: one chunk, larger than a round moves by default
        try {
            for (int i = 0; i < 1_500; i++) { // traffic that leaves nothing live
                int n = i;
                writer.submit(q -> {
                    q.put(key(n), new byte[bigEntry]);
                    q.remove(key(n - 1));
                }, bigEntry);
                writer.barrier().get(10, TimeUnit.SECONDS);
            }
            for (int i = 0; i < liveEntries; i++) {
                int n = i;
                writer.submit(q -> q.put("live/" + n, new byte[bigEntry]), bigEntry);
            }
            writer.submit(q -> q.remove(key(1_499)), 1);
            writer.barrier().get(10, TimeUnit.SECONDS);
            long live = (long) liveEntries * bigEntry;
            long bound = live + live / 2 + (2 << 20);
            assertTrue(size(file) > bound, "the traffic should have grown the file past its bound first: " + size(file));
            await().atMost(Duration.ofSeconds(20)).until(() -> size(file) < bound);
        } finally {
            writer.close();
        }
    }

    private static String key(int i) {
        return String.format("client/%08d", i);
    }

    private static byte[] entry(int i) {
        byte[] b = new byte[ENTRY_BYTES];
        b[0] = (byte) i;
        b[1] = (byte) (i >> 8);
        return b;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
