package dev.midge.cluster;

import dev.midge.broker.cluster.SessionImage;
import dev.midge.broker.logging.LogSafe;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;

/**
 * The cluster's copy of persistent sessions, in a distributed cache with two owners written
 * synchronously: a node's SIGKILL leaves every entry on another node. One entry per session
 * (its state) and one per message it owes (by sequence), so queuing a message writes that
 * message only. Writes go through one thread, in the order the engine made them, so a release
 * written after them ({@link #then}) means they are all in.
 */
final class SessionReplica {

    private static final Logger LOG = LoggerFactory.getLogger(SessionReplica.class);

    private final Cache<String, byte[]> cache;
    private final ExecutorService writer;
    private final MinorityWrites minorityWrites;

    SessionReplica(Cache<String, byte[]> cache, ExecutorService writer, MinorityWrites minorityWrites) {
        this.cache = cache;
        this.writer = writer;
        this.minorityWrites = minorityWrites;
    }

    private static String stateKey(String clientId) {
        return "s\u0000" + clientId;
    }

    private static String owedPrefix(String clientId) {
        return "o\u0000" + clientId + "\u0000";
    }

    private static String inboundQos2Prefix(String clientId) {
        return "q\u0000" + clientId + "\u0000";
    }

    void stateChanged(String clientId, byte[] state) {
        write(clientId, () -> cache.put(stateKey(clientId), state));
    }

    void owed(String clientId, long sequence, byte[] message) {
        write(clientId, () -> cache.put(owedPrefix(clientId) + sequence, message));
    }

    void inboundQos2(String clientId, int packetId, boolean awaiting) {
        String key = inboundQos2Prefix(clientId) + packetId;
        write(clientId, () -> {
            if (awaiting) {
                cache.put(key, new byte[0]);
            } else {
                cache.remove(key);
            }
        });
    }

    void settled(String clientId, long sequence) {
        write(clientId, () -> cache.remove(owedPrefix(clientId) + sequence));
    }

    void forget(String clientId) {
        write(clientId, () -> forgetNow(clientId));
    }

    /** Runs {@code r} on the writer once every write asked for so far is done. */
    void then(Runnable r) {
        writer.execute(r);
    }

    private void write(String clientId, Runnable w) {
        writer.execute(() -> {
            try {
                // Refused on the minority side: the majority continues this client's session, and this node
                // lets go of it once merged.
                minorityWrites.attempt(cache, LOG, () -> "the session copy of client " + LogSafe.text(clientId), w);
            } catch (RuntimeException e) {
                LOG.warn("Could not replicate the session of client {}: {}", LogSafe.text(clientId), e.toString());
            }
        });
    }

    /** The session's copy, or null if there is none. Blocking: not on the writer, never on an event loop. */
    SessionImage read(String clientId) {
        byte[] state = cache.get(stateKey(clientId));
        if (state == null) {
            return null;
        }
        SortedMap<Long, byte[]> owed = new TreeMap<>();
        String prefix = owedPrefix(clientId);
        for (String key : ownedKeys(prefix)) {
            byte[] m = cache.get(key);
            if (m != null) {
                owed.put(Long.parseLong(key.substring(prefix.length())), m);
            }
        }
        java.util.Set<Integer> inboundQos2 = new java.util.HashSet<>();
        String qos2 = inboundQos2Prefix(clientId);
        for (String key : ownedKeys(qos2)) {
            inboundQos2.add(Integer.parseInt(key.substring(qos2.length())));
        }
        return new SessionImage(state, owed, inboundQos2);
    }

    /** What the session's copy owes under sequences after {@code afterSequence}. Blocking, as {@link #read}. */
    SortedMap<Long, byte[]> owedAfter(String clientId, long afterSequence) {
        SortedMap<Long, byte[]> owed = new TreeMap<>();
        String prefix = owedPrefix(clientId);
        for (String key : ownedKeys(prefix)) {
            long sequence = Long.parseLong(key.substring(prefix.length()));
            byte[] m = sequence > afterSequence ? cache.get(key) : null;
            if (m != null) {
                owed.put(sequence, m);
            }
        }
        return owed;
    }

    private void forgetNow(String clientId) {
        cache.remove(stateKey(clientId));
        ownedKeys(owedPrefix(clientId)).forEach(cache::remove);
        ownedKeys(inboundQos2Prefix(clientId)).forEach(cache::remove);
    }

    /** A cluster-wide walk over the keys (one at takeover, not per message). */
    private List<String> ownedKeys(String prefix) {
        List<String> keys = new ArrayList<>();
        for (String key : cache.keySet()) {
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }
}
