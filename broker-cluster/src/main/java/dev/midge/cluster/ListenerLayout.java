package dev.midge.cluster;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The keys of the security files a node shares, published under {@code layout/NODE} so that each
 * node can tell which of its files another node has no counterpart for (a listener it lacks, or
 * a broker-wide file where this one has per-listener ones). Such a file is simply not kept in step
 * with that node; the warning names it so that a difference in listener layout is not mistaken
 * for a shared file.
 */
final class ListenerLayout {

    static final String PREFIX = "layout/";

    private ListenerLayout() {
    }

    static String key(String node) {
        return PREFIX + node;
    }

    static byte[] encode(Collection<SharedFile> files) {
        Set<String> keys = new LinkedHashSet<>();
        files.forEach(f -> keys.add(f.key()));
        return String.join("\n", keys).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    static Set<String> decode(byte[] layout) {
        String text = new String(layout, java.nio.charset.StandardCharsets.UTF_8);
        return text.isEmpty() ? Set.of() : new LinkedHashSet<>(Arrays.asList(text.split("\n")));
    }

    /** This node's files that a node with {@code theirKeys} does not share. */
    static List<SharedFile> unmatched(Collection<SharedFile> own, Set<String> theirKeys) {
        return own.stream().filter(f -> !theirKeys.contains(f.key())).toList();
    }
}
