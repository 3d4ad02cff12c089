package dev.midge.broker.persist;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GroupCommitTest {

    @TempDir
    Path dir;

    @Test
    void concurrentWritersWaitingForDiskShareSyncs() throws Exception {
        String file = dir.resolve("test.mv.db").toString();
        int writers = 8;
        int perWriter = 100;
        long commits;
        MVStore store = new MVStore.Builder().fileName(file).autoCommitDisabled().open();
        MVMap<String, byte[]> map = store.openMap("m");
        GroupCommit<MVMap<String, byte[]>> group = writerOf(store, map, file);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < perWriter; i++) {
                        String key = writer + "/" + i;
                        group.submit(m -> m.put(key, new byte[]{1}), 1);
                        // Like a publisher waiting for its PUBACK before sending the next message.
                        group.barrier().get(10, TimeUnit.SECONDS);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
            commits = group.commits();
        } finally {
            pool.shutdownNow();
            group.close();
        }
        assertTrue(commits <= writers * perWriter / 2, "one sync per batch, not per message: " + commits);
        MVStore reopened = new MVStore.Builder().fileName(file).readOnly().open();
        try {
            assertEquals(writers * perWriter, reopened.<String, byte[]>openMap("m").size());
        } finally {
            reopened.close();
        }
    }

    @Test
    void barrierWithNothingPendingIsAlreadyComplete() throws Exception {
        String file = dir.resolve("idle.mv.db").toString();
        MVStore store = new MVStore.Builder().fileName(file).autoCommitDisabled().open();
        GroupCommit<MVMap<String, byte[]>> group = writerOf(store, store.openMap("m"), file);
        try {
            assertTrue(group.barrier().isDone());
            group.submit(m -> m.put("k", new byte[]{1}), 1);
            CompletableFuture<Void> afterWrite = group.barrier();
            afterWrite.get(10, TimeUnit.SECONDS);
            assertEquals(1, group.commits());
        } finally {
            group.close();
        }
    }

    static GroupCommit<MVMap<String, byte[]>> writerOf(MVStore store, MVMap<String, byte[]> map, String file) {
        return new GroupCommit<>(new StoreWriter<>(store, map, file,
                apply -> StoreRebuild.rebuild(Path.of(file), apply), s -> s.openMap(map.getName())),
                GroupCommit.Bound.DEFAULT);
    }
}
