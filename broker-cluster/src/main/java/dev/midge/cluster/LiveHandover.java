package dev.midge.cluster;

import dev.midge.broker.cluster.SessionInbox;
import dev.midge.broker.logging.LogSafe;
import org.infinispan.Cache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The end of a takeover between two live nodes, so that no message published meanwhile reaches
 * neither. The old node keeps the released session (queuing, its routes in place) while the new
 * node takes it in and announces its routes; then the new node writes a "routed" marker
 * ({@code midge-owners}, replicated). Every other node, seeing it, already routes to the new node
 * and sends the old node a {@link HandoverFence} on its message link, behind everything it sent
 * there before (one sender thread, FIFO links). Once the old node has a fence from every other
 * node, nothing more can arrive for the session: it lets go, and after its copy's last writes it
 * writes a "tail" marker; the new node then reads what the old one queued meanwhile. Messages
 * that both nodes took in that moment arrive twice (QoS 1 allows); none arrives at neither.
 */
final class LiveHandover {

    private static final Logger LOG = LoggerFactory.getLogger(LiveHandover.class);
    /** Keys of the markers: no client id starts with a NUL. */
    static final String ROUTED = "\u0000routed/";
    static final String TAIL = "\u0000tail/";
    /** How long the old node waits for the fences of nodes that do not answer (one died meanwhile). */
    private static final long FENCE_TIMEOUT_SECONDS = 10;
    /** How long the new node waits for the tail, and the old node holds a session nobody asks for. */
    private static final long TAIL_TIMEOUT_SECONDS = 30;

    /** Sends a fence to a node over its message link, behind what this node sent it before. */
    interface FenceSender {
        void send(String node, HandoverFence fence);
    }

    /** On the old node: one released session's handover, until it lets go. */
    private static final class Holding {
        final long epoch;
        final Set<String> fenced = new HashSet<>();
        boolean routed;
        boolean done;

        Holding(long epoch) {
            this.epoch = epoch;
        }
    }

    private final String self;
    private final Cache<String, byte[]> owners;
    private final SessionReplica replica;
    private final ExecutorService work;
    private final Supplier<List<String>> members;
    private final Supplier<SessionInbox> inbox;
    private volatile FenceSender fences;
    private final Map<String, Holding> holding = new ConcurrentHashMap<>();
    private final Map<String, Map.Entry<Long, CompletableFuture<Void>>> tails = new ConcurrentHashMap<>();

    LiveHandover(String self, Cache<String, byte[]> owners, SessionReplica replica, ExecutorService work,
                 Supplier<List<String>> members, Supplier<SessionInbox> inbox) {
        this.self = self;
        this.owners = owners;
        this.replica = replica;
        this.work = work;
        this.members = members;
        this.inbox = inbox;
    }

    void fences(FenceSender sender) {
        this.fences = sender;
    }

    /** Old node: the session was released under {@code epoch} and is held until the handover ends (or nobody asks). */
    void held(String clientId, long epoch) {
        holding.put(clientId, new Holding(epoch));
        CompletableFuture.delayedExecutor(TAIL_TIMEOUT_SECONDS, TimeUnit.SECONDS, work).execute(() -> {
            Holding h = holding.get(clientId);
            if (h != null && h.epoch == epoch && !h.done) {
                letGo(clientId, h);
            }
        });
    }

    /**
     * New node, its routes known everywhere: asks the old node to let go; completes with what the
     * old node's copy owed after {@code afterSequence} once it has (on {@link #work}).
     */
    CompletableFuture<SortedMap<Long, byte[]>> routed(String clientId, String from, long epoch, long afterSequence) {
        CompletableFuture<Void> tail = new CompletableFuture<>();
        tails.put(clientId, Map.entry(epoch, tail));
        owners.put(ROUTED + clientId, mark(from, epoch));
        return tail.orTimeout(TAIL_TIMEOUT_SECONDS, TimeUnit.SECONDS).exceptionally(e -> {
            LOG.warn("Node {} did not hand over the tail of client {} within {} s: taking its session as last copied.",
                    from, LogSafe.text(clientId), TAIL_TIMEOUT_SECONDS);
            return null;
        }).thenApplyAsync(x -> {
            tails.remove(clientId);
            owners.remove(ROUTED + clientId);
            owners.remove(TAIL + clientId);
            return afterSequence == Long.MAX_VALUE ? new TreeMap<>() : replica.owedAfter(clientId, afterSequence);
        }, work);
    }

    /** A marker written on any node (an Infinispan thread: only hand work on). */
    void markerChanged(String key, byte[] value) {
        if (key.startsWith(TAIL)) {
            String clientId = key.substring(TAIL.length());
            long epoch = ByteBuffer.wrap(value).getLong();
            Map.Entry<Long, CompletableFuture<Void>> w = tails.get(clientId);
            if (w != null && epoch >= w.getKey()) {
                w.getValue().complete(null);
            }
            return;
        }
        String clientId = key.substring(ROUTED.length());
        Mark m = mark(value);
        if (!m.from().equals(self)) {
            FenceSender f = fences;
            if (f != null) {
                f.send(m.from(), new HandoverFence(clientId, m.epoch()));
            }
            return;
        }
        synchronized (this) {
            Holding h = holding.computeIfAbsent(clientId, id -> new Holding(m.epoch()));
            if (h.epoch != m.epoch()) {
                return;
            }
            h.routed = true;
        }
        check(clientId);
        CompletableFuture.delayedExecutor(FENCE_TIMEOUT_SECONDS, TimeUnit.SECONDS, work).execute(() -> {
            Holding h = holding.get(clientId);
            if (h != null && h.epoch == m.epoch() && !h.done) {
                LOG.warn("Letting client {} go to its new node without the fences of {} (not answered within {} s).",
                        LogSafe.text(clientId), missing(h), FENCE_TIMEOUT_SECONDS);
                letGo(clientId, h);
            }
        });
    }

    /** Old node: a fence from {@code node} arrived, behind everything it sent here before. */
    void fenced(String node, HandoverFence fence) {
        synchronized (this) {
            Holding h = holding.computeIfAbsent(fence.clientId(), id -> new Holding(fence.epoch()));
            if (h.epoch != fence.epoch()) {
                return;
            }
            h.fenced.add(node);
        }
        check(fence.clientId());
    }

    private void check(String clientId) {
        Holding h = holding.get(clientId);
        boolean ready;
        synchronized (this) {
            ready = h != null && h.routed && !h.done && missing(h).isEmpty();
        }
        if (ready) {
            work.execute(() -> letGo(clientId, h));
        }
    }

    private synchronized Set<String> missing(Holding h) {
        Set<String> missing = new HashSet<>(members.get());
        missing.remove(self);
        missing.removeAll(h.fenced);
        return missing;
    }

    /** On {@link #work}: forgets the session here, then says so once its copy's writes are all in. */
    private void letGo(String clientId, Holding h) {
        synchronized (this) {
            if (h.done) {
                return;
            }
            h.done = true;
            holding.remove(clientId, h);
        }
        SessionInbox in = inbox.get();
        if (in != null) {
            in.letGo(clientId);
        }
        replica.then(() -> owners.put(TAIL + clientId, ByteBuffer.allocate(8).putLong(h.epoch).array()));
    }

    private record Mark(String from, long epoch) {
    }

    private static byte[] mark(String from, long epoch) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(from);
            out.writeLong(epoch);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private static Mark mark(byte[] value) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(value))) {
            return new Mark(in.readUTF(), in.readLong());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
