package dev.midge.bench.persistence;

import org.h2.mvstore.MVStore;

import java.nio.file.Path;

/**
 * How much of a closed store file is live data, read with H2's own counters (the README
 * documents the file as an MVStore): a diagnostic for the file size, not a broker API.
 *
 * @param fileFillPercent   blocks of the file that belong to chunks still in use
 * @param chunksFillPercent live pages within those chunks
 */
record StoreFillRate(int fileFillPercent, int chunksFillPercent) {

    /** Null when the file cannot be read this way; the size figure stands without it. */
    static StoreFillRate of(Path file) {
        MVStore store = null;
        try {
            store = new MVStore.Builder().fileName(file.toString()).readOnly().open();
            return new StoreFillRate(store.getFillRate(), store.getFileStore().getChunksFillRate());
        } catch (RuntimeException e) {
            System.err.println("# cannot read the fill rate of " + file + ": " + e);
            return null;
        } finally {
            if (store != null) {
                store.closeImmediately();
            }
        }
    }

    /** Bytes of live data the two rates imply: the size a compacted file would approach. */
    long liveBytes(long fileBytes) {
        return fileBytes * fileFillPercent / 100 * chunksFillPercent / 100;
    }
}
