package dev.midge.broker.persist;

import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.function.Consumer;

/**
 * After a failed write (disk full): makes a store file that holds the last commit of the old
 * one plus the changes that were not committed, and puts it in the old one's place.
 *
 * <p>Why a new file rather than reopening the old one and writing on: the failed write can
 * leave part of a chunk in the file, and when an MVStore reopened over it wrote more and was
 * closed, the next open sometimes read an older version (sessions acknowledged long before
 * were gone; seen with H2 2.4.240 on a full tmpfs). Reading the old file is reliable (it holds
 * its last commit), so this reads it once, writes everything into a fresh file next to it,
 * syncs it, and renames it over the old one: a crash at any point leaves either the old file
 * (its last commit, as after any crash) or the complete new one.
 */
final class StoreRebuild {

    static final String SUFFIX = ".rebuild";

    private StoreRebuild() {
    }

    /**
     * Copies {@code file}'s last commit into a new file, lets {@code apply} add to it, commits,
     * syncs, renames it over {@code file} and returns it opened. On any failure (still no
     * space) the new file is removed, {@code file} is untouched, and the exception is thrown.
     */
    static MVStore rebuild(Path file, Consumer<MVStore> apply) {
        Path copy = file.resolveSibling(file.getFileName() + SUFFIX);
        try {
            Files.deleteIfExists(copy);
            MVStore target = StoreFile.openStore(copy);
            try {
                copyLastCommit(file, target);
                apply.accept(target);
                target.commit();
                target.sync();
            } finally {
                target.closeImmediately(); // synced above; a clean close would write (and compact) more
            }
            Files.move(copy, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            syncDirectory(file.getParent());
        } catch (IOException e) {
            deleteQuietly(copy);
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            deleteQuietly(copy);
            throw e;
        }
        return StoreFile.openStore(file);
    }

    private static void copyLastCommit(Path file, MVStore target) {
        MVStore source = new MVStore.Builder().fileName(file.toString()).readOnly().open();
        try {
            for (String name : source.getMapNames()) {
                MVMap<Object, Object> from = source.openMap(name);
                MVMap<Object, Object> to = target.openMap(name);
                for (Map.Entry<Object, Object> e : from.entrySet()) {
                    to.put(e.getKey(), e.getValue());
                }
            }
        } finally {
            source.closeImmediately();
        }
    }

    /** So that the rename itself survives a power cut. */
    private static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // the next attempt deletes it first
        }
    }
}
