package dev.midge.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The security files this node shares, collected before start: broker-wide ones by their kind,
 * per-listener ones grouped by path (one key for all the listeners that name a file). Two files
 * that would get the same key (two listeners on one port, bound to different addresses, with
 * files of their own) are both left unshared with a warning: the key could not tell them apart,
 * and the cluster must never hand one listener's file to another.
 */
final class SharedFileSet {

    private static final Logger LOG = LoggerFactory.getLogger(SharedFileSet.class);

    private final Map<String, SharedFile> global = new LinkedHashMap<>();
    private final Map<SharedFile.Kind, Map<Path, Set<String>>> perListener = new LinkedHashMap<>();
    private final List<SharedFile> extra = new ArrayList<>();

    /** A file whose key is fixed (the CRLs, which all share one by their CRL number). */
    void add(SharedFile file) {
        extra.add(file);
    }

    void global(SharedFile.Kind kind, Path path) {
        global.putIfAbsent(kind.key, SharedFile.global(kind, path.toAbsolutePath().normalize()));
    }

    void listener(SharedFile.Kind kind, Path path, String listenerId) {
        perListener.computeIfAbsent(kind, k -> new LinkedHashMap<>())
                .computeIfAbsent(path.toAbsolutePath().normalize(), p -> new LinkedHashSet<>()).add(listenerId);
    }

    List<SharedFile> files() {
        List<SharedFile> files = new ArrayList<>(extra);
        files.addAll(global.values());
        for (var byKind : perListener.entrySet()) {
            Map<String, List<SharedFile>> byKey = new LinkedHashMap<>();
            for (var byPath : byKind.getValue().entrySet()) {
                SharedFile file = SharedFile.ofListeners(byKind.getKey(), byPath.getKey(), byPath.getValue());
                byKey.computeIfAbsent(file.key(), k -> new ArrayList<>()).add(file);
            }
            for (List<SharedFile> same : byKey.values()) {
                if (same.size() == 1) {
                    files.add(same.get(0));
                } else {
                    LOG.warn("Not sharing {} with the cluster: listeners {} on one port name different files ({}), "
                                    + "which the cluster cannot tell apart; give them one file or different ports",
                            same.get(0).kind().option, same.get(0).listeners(),
                            same.stream().map(f -> f.path().toString()).toList());
                }
            }
        }
        return files;
    }
}
