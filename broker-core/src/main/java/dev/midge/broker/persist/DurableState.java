package dev.midge.broker.persist;

import dev.midge.broker.StoreException;
import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedSource;
import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;
import dev.midge.broker.session.SessionJournal;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * What the broker keeps on disk (H2 MVStore, one file): retained messages by topic,
 * persistent sessions (expiry, subscriptions) by client id, and the QoS 1/2 messages each
 * owes its client (queued or in flight) by client id and sequence. Every change is queued to
 * the {@link GroupCommit} writer; {@link #barrier()} says when what was queued so far is on
 * disk, which is when a PUBACK or PUBREC may go out.
 */
public final class DurableState implements SessionJournal, AutoCloseable {

    /** What the store held at start-up. */
    /**
     * @param retainedSources who published each retained message, by topic ({@code check_retain_source});
     *                        a message without an entry is checked as the broker's own
     */
    public record Snapshot(List<Message> retained, List<RestoredSession> sessions,
                           Map<String, RetainedSource> retainedSources) {

        public Snapshot(List<Message> retained, List<RestoredSession> sessions) {
            this(retained, sessions, Map.of());
        }
    }

    /** A persistent session as stored, with the messages it owes in sequence order. */
    public record RestoredSession(String clientId, long expiryInterval, long disconnectedAtMillis,
                                  String username, List<dev.midge.broker.subscription.Subscription> subscriptions,
                                  List<OwedMessage> owed, List<Integer> inboundQos2) {
    }

    /** A message a session owes: in flight under packetId (0: queued), released after PUBREC. */
    public record OwedMessage(long sequence, int packetId, boolean released, Delivery delivery) {
    }

    private final GroupCommit<StoreMaps> writer;
    private final Path file;
    private Snapshot snapshot;

    private DurableState(MVStore store, Path file) {
        this.file = file;
        // Read here, once; every change after this goes through the writer, which may rebuild the store.
        StoreMaps opened = StoreMaps.of(store);
        this.snapshot = load(opened);
        this.writer = new GroupCommit<>(new StoreWriter<>(store, opened, file.toString(),
                apply -> StoreRebuild.rebuild(file, apply), StoreMaps::of), GroupCommit.nextBound);
    }

    /**
     * Opens (or creates) the store in {@code directory} and reads it whole.
     *
     * @throws StoreException if it is unreadable and {@code discardCorrupt} is false, or locked
     */
    public static DurableState open(Path directory, boolean discardCorrupt) {
        return StoreFile.open(directory, discardCorrupt,
                store -> new DurableState(store, directory.resolve(StoreFile.NAME)));
    }

    /** The store's file, for log lines. */
    public Path file() {
        return file;
    }

    /** The state read at start-up; handed out once, so it can be garbage collected after restore. */
    public synchronized Snapshot takeSnapshot() {
        Snapshot s = snapshot;
        snapshot = null;
        return s;
    }

    private static Snapshot load(StoreMaps opened) {
        List<Message> messages = new ArrayList<>();
        Map<String, RetainedSource> sources = new java.util.HashMap<>();
        long now = System.nanoTime();
        for (Map.Entry<String, byte[]> e : opened.retained().entrySet()) {
            Message m = StoredForm.message(e.getValue());
            if (!m.isExpired(now)) {
                messages.add(m);
                RetainedSource source = StoredForm.retainedSource(e.getValue());
                if (source != null) {
                    sources.put(m.topic(), source);
                }
            }
        }
        List<RestoredSession> restored = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : opened.sessions().entrySet()) {
            String clientId = e.getKey();
            StoredForm.SessionState s = StoredForm.session(clientId, e.getValue());
            restored.add(new RestoredSession(clientId, s.expiryInterval(), s.disconnectedAtMillis(), s.username(),
                    s.subscriptions(), owedBy(opened, clientId), inboundOf(opened, clientId)));
        }
        return new Snapshot(messages, restored, sources);
    }

    private static List<OwedMessage> owedBy(StoreMaps opened, String clientId) {
        List<OwedMessage> result = new ArrayList<>();
        for (String k : keysOf(opened.owed(), clientId)) {
            StoredForm.Owed o = StoredForm.owed(opened.owed().get(k));
            result.add(new OwedMessage(ClientKey.number(k), o.packetId(), o.released(), o.delivery()));
        }
        return result;
    }

    private static List<Integer> inboundOf(StoreMaps opened, String clientId) {
        List<Integer> result = new ArrayList<>();
        for (String k : keysOf(opened.inbound(), clientId)) {
            result.add((int) ClientKey.number(k));
        }
        return result;
    }

    private static List<String> keysOf(MVMap<String, byte[]> map, String clientId) {
        List<String> keys = new ArrayList<>();
        String to = ClientKey.upperBound(clientId);
        for (String k = map.ceilingKey(ClientKey.lowerBound(clientId)); k != null && k.compareTo(to) < 0;
             k = map.higherKey(k)) {
            keys.add(k);
        }
        return keys;
    }

    // ---- changes, queued to the writer thread (encoded here, on the caller's thread) ----

    /** A retained message was stored or (empty payload) cleared. */
    public void retainedChanged(Message m) {
        retainedChanged(m, null);
    }

    /** The same, with who published it (null for the broker or the application). */
    public void retainedChanged(Message m, RetainedSource source) {
        String topic = m.topic();
        if (m.payload().length == 0) {
            writer.submit(maps -> maps.retained().remove(topic), topic.length());
        } else {
            byte[] bytes = StoredForm.retained(m, source);
            writer.submit(maps -> maps.retained().put(topic, bytes), topic.length() + bytes.length);
        }
    }

    /** Records a persistent session's expiry and subscriptions; disconnectedAtMillis 0 while connected. */
    public void sessionChanged(Session session, long disconnectedAtMillis) {
        String clientId = session.clientId();
        String username = session.identity() == null ? null : session.identity().username();
        byte[] bytes = StoredForm.session(new StoredForm.SessionState(session.expiryInterval(), disconnectedAtMillis,
                username, List.copyOf(session.subscriptions())));
        writer.submit(maps -> maps.sessions().put(clientId, bytes), clientId.length() + bytes.length);
    }

    /** Forgets a session and every message it owed. */
    public void sessionEnded(String clientId) {
        writer.submit(maps -> {
            maps.sessions().remove(clientId);
            keysOf(maps.owed(), clientId).forEach(maps.owed()::remove);
            keysOf(maps.inbound(), clientId).forEach(maps.inbound()::remove);
        }, clientId.length());
    }

    @Override
    public void owed(String clientId, long sequence, int packetId, boolean released, Delivery delivery) {
        String key = ClientKey.of(clientId, sequence);
        byte[] bytes = StoredForm.owed(packetId, released, delivery);
        writer.submit(maps -> maps.owed().put(key, bytes), key.length() + bytes.length);
    }

    @Override
    public void settled(String clientId, long sequence) {
        String key = ClientKey.of(clientId, sequence);
        writer.submit(maps -> maps.owed().remove(key), key.length());
    }

    @Override
    public void qos2Received(String clientId, int packetId) {
        String key = ClientKey.of(clientId, packetId);
        writer.submit(maps -> maps.inbound().put(key, new byte[0]), key.length());
    }

    @Override
    public void qos2Released(String clientId, int packetId) {
        String key = ClientKey.of(clientId, packetId);
        writer.submit(maps -> maps.inbound().remove(key), key.length());
    }

    /** Completes once every change queued so far is committed and synced to disk (after a failure: once rewritten). */
    public CompletableFuture<Void> barrier() {
        return writer.barrier();
    }

    /** False while the store cannot write (disk full); QoS 1/2 publishes are refused meanwhile. */
    public boolean writable() {
        return writer.writable();
    }

    /**
     * True if more changes wait for the disk than the writer's bound allows: the caller stops
     * reading and {@code resume} runs (on the writer thread) once the writer has caught up.
     */
    public boolean pauseWhileBacklogged(Runnable resume) {
        return writer.pauseWhileBacklogged(resume);
    }

    /** Writes what is queued (if the store can) and closes the file. */
    @Override
    public void close() {
        writer.close();
    }

    /** Keys by client: client id, NUL (never in an MQTT string), a number in fixed-width hex, so they sort. */
    private static final class ClientKey {
        static String of(String clientId, long sequence) {
            return clientId + '\u0000' + String.format("%016x", sequence);
        }

        static String lowerBound(String clientId) {
            return clientId + '\u0000';
        }

        static String upperBound(String clientId) {
            return clientId + '\u0001';
        }

        static long number(String key) {
            return Long.parseUnsignedLong(key.substring(key.lastIndexOf('\u0000') + 1), 16);
        }
    }
}
