package dev.midge.broker.persist;

import dev.midge.broker.StoreException;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.function.Function;

/**
 * Opens {@code DIR/midge.mv.db} and reads it whole, so that a corrupt store is found at
 * start-up, not at the first reconnect. An unreadable store stops start-up with one message
 * naming the file; only when asked is it moved aside ({@code midge.mv.db.corrupt-TIME}) and an
 * empty one started, with a warning naming both files. A store locked by another process is
 * never moved aside.
 */
final class StoreFile {

    static final String NAME = "midge.mv.db";
    private static final int RETENTION_MILLIS = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(StoreFile.class);

    private StoreFile() {
    }

    /** Opens the store and hands it to {@code load}; the result is {@code load}'s. */
    static <T> T open(Path directory, boolean discardCorrupt, Function<MVStore, T> load) {
        Path file = directory.resolve(NAME);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new StoreException(directory + ": cannot create the persistence directory: " + e.getMessage(), e);
        }
        try {
            // Left by a rebuild after a failed write that did not finish (StoreRebuild); the store file is whole.
            Files.deleteIfExists(directory.resolve(NAME + StoreRebuild.SUFFIX));
        } catch (IOException e) {
            LOG.warn("{}: cannot delete an unfinished rebuild of the persistent store: {}", directory, e.getMessage());
        }
        try {
            return openAndLoad(file, load);
        } catch (MVStoreException | StoredForm.CorruptStoreException | IllegalStateException e) {
            if (isLocked(e)) {
                throw new StoreException(file + ": the persistent store is in use by another process (is another broker running?)", e);
            }
            if (!discardCorrupt) {
                throw new StoreException(file + ": the persistent store is unreadable (" + cause(e)
                        + "); refusing to start with empty state. Move the file aside to start empty.", e);
            }
            Path aside = file.resolveSibling(NAME + ".corrupt-" + Instant.now().toEpochMilli());
            try {
                Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException io) {
                throw new StoreException(file + ": the persistent store is unreadable (" + cause(e)
                        + ") and cannot be moved aside: " + io.getMessage(), io);
            }
            LOG.warn("{}: the persistent store is unreadable ({}); moved it to {} and started with empty state.",
                    file, cause(e), aside.getFileName());
            return openAndLoad(file, load);
        }
    }

    static MVStore openStore(Path file) {
        MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
        // MVStore keeps freed chunks 45 s by default, for disks that flush late; we sync every
        // commit ourselves, so a short margin suffices, and the file no longer holds 45 s of
        // traffic. Not 0: see StoreHousekeeping.
        store.setRetentionTime(RETENTION_MILLIS);
        return store;
    }

    private static <T> T openAndLoad(Path file, Function<MVStore, T> load) {
        MVStore store = openStore(file);
        try {
            return load.apply(store);
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw e;
        }
    }

    static MVMap<String, byte[]> map(MVStore store, String name) {
        return store.openMap(name);
    }

    private static boolean isLocked(RuntimeException e) {
        return e instanceof MVStoreException m && m.getErrorCode() == DataUtils.ERROR_FILE_LOCKED;
    }

    /** The cause in words; MVStore's own messages name Java objects and its version. */
    private static String cause(RuntimeException e) {
        if (e instanceof MVStoreException m) {
            return switch (m.getErrorCode()) {
                case DataUtils.ERROR_FILE_CORRUPT, DataUtils.ERROR_READING_FAILED,
                     DataUtils.ERROR_CHUNK_NOT_FOUND, DataUtils.ERROR_BLOCK_NOT_FOUND ->
                        "not a valid store file, or truncated";
                case DataUtils.ERROR_UNSUPPORTED_FORMAT -> "written by an unsupported MVStore format version";
                default -> "MVStore error " + m.getErrorCode();
            };
        }
        return String.valueOf(e.getMessage());
    }
}
