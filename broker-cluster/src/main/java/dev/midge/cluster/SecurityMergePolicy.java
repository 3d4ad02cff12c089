package dev.midge.cluster;

import org.infinispan.conflict.EntryMergePolicy;
import org.infinispan.container.entries.CacheEntry;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * After a partition heals, the security cache keeps, per file, the copy with the highest version
 * (an entry is the version, 8 bytes, then the file): a CRL with a higher number, an ACL changed
 * later. Either side may have changed one during the split (a {@code device revoke} on a node of
 * the minority side included), and a revocation must survive the merge whichever side made it.
 */
final class SecurityMergePolicy implements EntryMergePolicy<String, byte[]> {

    @Override
    public CacheEntry<String, byte[]> merge(CacheEntry<String, byte[]> preferredEntry,
                                            List<CacheEntry<String, byte[]>> otherEntries) {
        CacheEntry<String, byte[]> newest = preferredEntry;
        for (CacheEntry<String, byte[]> other : otherEntries) {
            if (version(other) > version(newest)) {
                newest = other;
            }
        }
        return newest;
    }

    private static long version(CacheEntry<String, byte[]> entry) {
        byte[] value = entry == null ? null : entry.getValue();
        return value == null || value.length < 8 ? Long.MIN_VALUE : ByteBuffer.wrap(value).getLong();
    }
}
