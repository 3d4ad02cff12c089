package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.cluster.ClusterSessions;
import dev.midge.broker.cluster.SessionImage;
import dev.midge.broker.cluster.SessionInbox;
import dev.midge.broker.logging.LogSafe;
import org.infinispan.Cache;
import org.infinispan.manager.EmbeddedCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryCreated;
import org.infinispan.notifications.cachelistener.annotation.CacheEntryModified;
import org.infinispan.notifications.cachelistener.event.CacheEntryEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Which node owns each client id, in a replicated cache ({@code midge-owners}): client id →
 * {@link OwnerEntry}. A CONNECT claims the id with the next epoch by a conditional write, so of
 * two racing claims exactly one lands and the other reads the winner and claims after it (the
 * later CONNECT takes over, as on one broker). The node that held the id sees the entry change,
 * closes its connection, finishes writing the session's copy and then writes a release marker;
 * the claiming node waits for that marker before it reads the copy ({@link SessionReplica}); the
 * old node keeps the session, queuing, until the new one's routes are out ({@link LiveHandover}). When
 * a node leaves the view, its client ids fall to one survivor (chosen from the sorted member names
 * by the dead node's name), which sends their wills, continues their persistent sessions offline
 * and then lets the dead node's routes go (after announcing its own).
 */
final class SessionOwnership implements ClusterSessions {

    private static final Logger LOG = LoggerFactory.getLogger(SessionOwnership.class);
    /** Keys of release markers: no client id starts with a NUL. */
    private static final String RELEASED = "\u0000released/";
    /** How long a claim waits for a live node to let go before reading the copy as it is. */
    private static final long RELEASE_TIMEOUT_SECONDS = 10;

    private record Wait(long epoch, CompletableFuture<Void> released) {
    }

    private final String self;
    private final EmbeddedCacheManager manager;
    private final Cache<String, byte[]> owners;
    private final SessionReplica replica;
    /** Claims, releases and adoptions, one at a time: never on an event loop or an Infinispan thread. */
    private final ExecutorService work;
    /** The link's sender: what runs there runs after the route changes asked for before. */
    private final java.util.concurrent.Executor afterRoutes;
    /** The epoch of each client id this node holds. */
    private final Map<String, Long> mine = new ConcurrentHashMap<>();
    private final Map<String, Wait> waits = new ConcurrentHashMap<>();
    /** Client ids this node claimed from a live node, and that node, until {@link #handedOver}. */
    private final Map<String, String> takingFrom = new ConcurrentHashMap<>();
    private final LiveHandover live;
    private volatile SessionInbox inbox;
    /** False on the minority side of a partition: it neither claims, adopts nor lets the majority's ids go. */
    private final BooleanSupplier serving;

    SessionOwnership(String self, EmbeddedCacheManager manager, Cache<String, byte[]> owners, SessionReplica replica,
                     ExecutorService work, java.util.concurrent.Executor afterRoutes, BooleanSupplier serving) {
        this.self = self;
        this.manager = manager;
        this.owners = owners;
        this.replica = replica;
        this.work = work;
        this.afterRoutes = afterRoutes;
        this.serving = serving;
        this.live = new LiveHandover(self, owners, replica, work, this::members, () -> inbox);
        owners.addListener(new OwnerChanges());
    }

    /** The end of takeovers between live nodes: its fences go through {@code sender}, and arrive at {@link #fenced}. */
    void fences(LiveHandover.FenceSender sender) {
        live.fences(sender);
    }

    /** A fence from another node arrived on the message link, behind what it sent here before. */
    void fenced(String node, HandoverFence fence) {
        live.fenced(node, fence);
    }

    /** Runs owner bookkeeping on the work thread; a refusal of the minority side's caches is one line, not a trace. */
    private void later(String what, String clientId, Runnable r) {
        work.execute(() -> {
            try {
                if (MinorityWrites.denies(owners)) {
                    throw new org.infinispan.partitionhandling.AvailabilityException();
                }
                r.run();
            } catch (RuntimeException e) {
                if (MinorityWrites.isDenied(e)) {
                    LOG.info("Cluster node {} could not {} client {}: it is on the minority side of a partition; the "
                            + "owners are set right when the cluster heals.", self, what, LogSafe.text(clientId));
                } else {
                    LOG.warn("Cluster node {} could not {} client {}: {}", self, what, LogSafe.text(clientId),
                            e.toString());
                }
            }
        });
    }

    /**
     * After a merge the majority side's owners are the cluster's (the minority could not write): a
     * client id this node still holds but the majority gave to another node, or let go (it sent
     * the will, or continued the session), is let go here, closing the connection that the rest
     * of the cluster no longer counts on. Its device reconnects to whichever node it likes.
     */
    void reconcileAfterMerge() {
        work.execute(() -> {
            for (Map.Entry<String, Long> held : List.copyOf(mine.entrySet())) {
                String clientId = held.getKey();
                try {
                    byte[] raw = owners.get(clientId);
                    OwnerEntry o = raw == null ? null : OwnerEntry.decode(raw);
                    if (o != null && o.node().equals(self) && o.epoch() == held.getValue()) {
                        continue;
                    }
                    if (mine.remove(clientId, held.getValue())) {
                        LOG.info("Client {} is {} since the partition healed: {} lets it go (and closes its connection"
                                + " here, if it has one).",
                                LogSafe.text(clientId), o == null ? "no longer owned in the cluster"
                                        : "owned by node " + o.node() + " (epoch " + o.epoch() + ")", self);
                        SessionInbox in = inbox;
                        if (in != null) {
                            in.release(clientId);
                        }
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Cluster node {} could not check its claim on client {} after the merge: {}", self,
                            LogSafe.text(clientId), e.toString());
                }
            }
        });
    }

    /**
     * Nodes left the view: the survivor each falls to continues their clients' sessions and
     * sends their wills, then runs {@code forgetRoutes} (after its own new routes are out);
     * the other survivors leave that to it, and run it later only in case it died too.
     */
    void afterAdoption(java.util.Set<String> gone, Runnable forgetRoutes) {
        work.execute(() -> {
            takeOrphans();
            List<String> alive = alive();
            if (gone.stream().anyMatch(node -> adopterOf(node, alive).equals(self))) {
                forgetRoutes.run();
            } else {
                CompletableFuture.delayedExecutor(30, TimeUnit.SECONDS, work).execute(forgetRoutes);
            }
        });
    }

    private static String adopterOf(String deadNode, List<String> alive) {
        return alive.get(Math.floorMod(deadNode.hashCode(), alive.size()));
    }

    private List<String> alive() {
        List<String> alive = members();
        alive.sort(null);
        return alive;
    }

    @Override
    public void bind(SessionInbox inbox) {
        this.inbox = inbox;
        work.execute(this::takeOrphans); // nodes that died while this one was starting
    }

    @Override
    public CompletableFuture<Claim> claim(String clientId, String username, boolean anyUsername, boolean cleanStart,
                                          ClusterMessage will, long willDelaySeconds) {
        return CompletableFuture.supplyAsync(() -> claimNow(clientId, username, anyUsername, cleanStart, will,
                willDelaySeconds), work).thenCompose(f -> f);
    }

    private CompletableFuture<Claim> claimNow(String clientId, String username, boolean anyUsername, boolean cleanStart,
                                              ClusterMessage will, long willDelaySeconds) {
        try {
            if (MinorityWrites.denies(owners)) {
                throw new org.infinispan.partitionhandling.AvailabilityException();
            }
            return claimLoop(clientId, username, anyUsername, cleanStart, will, willDelaySeconds);
        } catch (RuntimeException e) {
            if (MinorityWrites.isDenied(e)) {
                waits.remove(clientId); // what mine says now is checked against the owners after the merge
                // The CONNECT raced this node's loss of its quorum: refused as the quorum check would have.
                throw new Unavailable("cluster node " + self + " is on the minority side of a partition (its caches"
                        + " deny reads and writes)");
            }
            throw e;
        }
    }

    /** A claim the cluster cannot make now; its text is what the CONNECT's refusal line says. */
    static final class Unavailable extends IllegalStateException {
        Unavailable(String message) {
            super(message);
        }

        @Override
        public String toString() {
            return getMessage();
        }
    }

    private CompletableFuture<Claim> claimLoop(String clientId, String username, boolean anyUsername, boolean cleanStart,
                                               ClusterMessage will, long willDelaySeconds) {
        while (true) {
            byte[] raw = owners.get(clientId);
            OwnerEntry old = raw == null ? null : OwnerEntry.decode(raw);
            if (old != null && !anyUsername && !Objects.equals(old.username(), username)) {
                return CompletableFuture.completedFuture(new Claim(old.username(), null, false));
            }
            OwnerEntry next = new OwnerEntry(self, old == null ? 1 : old.epoch() + 1, username, will, willDelaySeconds);
            boolean elsewhere = old != null && !old.node().equals(self);
            boolean alive = elsewhere && members().contains(old.node());
            CompletableFuture<Void> released = alive ? awaitRelease(clientId, next.epoch()) : null;
            mine.put(clientId, next.epoch());
            boolean won = raw == null ? owners.putIfAbsent(clientId, next.encode()) == null
                    : owners.replace(clientId, raw, next.encode());
            if (!won) {
                waits.remove(clientId);
                continue; // another claim landed first: claim after it
            }
            if (!elsewhere) {
                return CompletableFuture.completedFuture(Claim.LOCAL); // this node's engine has it, if anyone has
            }
            String from = old.node();
            CompletableFuture<Void> ready = released == null ? CompletableFuture.completedFuture(null)
                    : released.orTimeout(RELEASE_TIMEOUT_SECONDS, TimeUnit.SECONDS).exceptionally(e -> {
                        if (e instanceof TimeoutException) {
                            LOG.warn("Node {} did not release client {} within {} s: taking its session as last copied.",
                                    from, LogSafe.text(clientId), RELEASE_TIMEOUT_SECONDS);
                        }
                        return null;
                    });
            if (alive) {
                takingFrom.put(clientId, from);
            }
            return ready.thenApplyAsync(x -> {
                owners.remove(RELEASED + clientId);
                if (cleanStart) {
                    if (alive) {
                        return new Claim(null, null, true); // its copy is forgotten once the old node let go
                    }
                    replica.forget(clientId);
                    return Claim.LOCAL;
                }
                return new Claim(null, replica.read(clientId), alive);
            }, work);
        }
    }

    @Override
    public CompletableFuture<java.util.SortedMap<Long, byte[]>> handedOver(String clientId, long afterSequence) {
        return CompletableFuture.supplyAsync(() -> {
            String from = takingFrom.remove(clientId);
            Long epoch = mine.get(clientId);
            if (from == null || epoch == null) {
                return CompletableFuture.<java.util.SortedMap<Long, byte[]>>completedFuture(new java.util.TreeMap<>());
            }
            return live.routed(clientId, from, epoch, afterSequence);
        }, work).thenCompose(f -> f);
    }

    private CompletableFuture<Void> awaitRelease(String clientId, long epoch) {
        Wait w = new Wait(epoch, new CompletableFuture<>());
        waits.put(clientId, w);
        return w.released();
    }

    @Override
    public void attached(String clientId, String username) {
        later("record its connection of", clientId, () -> {
            byte[] raw = owners.get(clientId);
            OwnerEntry o = raw == null ? null : OwnerEntry.decode(raw);
            if (o == null) {
                // The previous connection's end removed it meanwhile: this connection owns the id.
                Long epoch = mine.getOrDefault(clientId, 0L);
                owners.putIfAbsent(clientId, new OwnerEntry(self, epoch + 1, username, null, 0).encode());
                mine.put(clientId, epoch + 1);
            } else if (!o.node().equals(self)) {
                mine.remove(clientId);
                SessionInbox in = inbox;
                if (in != null) {
                    in.release(clientId); // claimed away while this CONNECT was being answered
                }
            }
        });
    }

    @Override
    public void stateChanged(String clientId, byte[] state) {
        replica.stateChanged(clientId, state);
    }

    @Override
    public void owed(String clientId, long sequence, byte[] message) {
        replica.owed(clientId, sequence, message);
    }

    @Override
    public void inboundQos2(String clientId, int packetId, boolean awaiting) {
        replica.inboundQos2(clientId, packetId, awaiting);
    }

    @Override
    public void settled(String clientId, long sequence) {
        replica.settled(clientId, sequence);
    }

    @Override
    public void sessionEnded(String clientId) {
        replica.forget(clientId);
    }

    @Override
    public void willDelayed(String clientId, long disconnectedAtMillis) {
        work.execute(() -> {
            byte[] raw = owners.get(clientId);
            OwnerEntry o = raw == null ? null : OwnerEntry.decode(raw);
            if (o != null && o.node().equals(self) && o.will() != null
                    && owners.replace(clientId, raw, o.disconnectedAt(disconnectedAtMillis).encode())) {
                // An operator (and a test) can tell the cluster holds it before this node might fail.
                LOG.info("Will of client {} (username {}) waits {} s; the cluster keeps it should node {} fail meanwhile.",
                        LogSafe.text(clientId), LogSafe.text(o.username()), o.willDelaySeconds(), self);
            }
        });
    }

    @Override
    public void willDone(String clientId) {
        later("clear the will of", clientId, () -> {
            byte[] raw = owners.get(clientId);
            OwnerEntry o = raw == null ? null : OwnerEntry.decode(raw);
            if (o != null && o.node().equals(self) && o.will() != null) {
                owners.replace(clientId, raw, o.withoutWill().encode());
            }
        });
    }

    @Override
    public void left(String clientId) {
        later("release the id of", clientId, () -> {
            byte[] raw = owners.get(clientId);
            OwnerEntry o = raw == null ? null : OwnerEntry.decode(raw);
            if (o != null && o.node().equals(self) && owners.remove(clientId, raw)) {
                mine.remove(clientId, o.epoch());
            }
        });
    }

    /** Another node claimed a client id this node holds: let go, then say so once the copy is complete. */
    private void release(String clientId, long epoch) {
        later("hand over", clientId, () -> {
            SessionInbox in = inbox;
            if (in != null) {
                in.release(clientId);
            }
            live.held(clientId, epoch);
            replica.then(() -> owners.put(RELEASED + clientId, ByteBuffer.allocate(8).putLong(epoch).array()));
        });
    }

    /** Client ids owned by nodes no longer in the view: this node takes those that fall to it. */
    private void takeOrphans() {
        SessionInbox in = inbox;
        if (in == null || !serving.getAsBoolean()) {
            return; // on the minority side the majority adopts them, if they are gone at all
        }
        List<String> alive = alive();
        List<Map.Entry<String, byte[]>> entries = new ArrayList<>();
        try {
            if (MinorityWrites.denies(owners)) {
                throw new org.infinispan.partitionhandling.AvailabilityException();
            }
            owners.forEach((k, v) -> {
                if (!k.startsWith("\u0000")) { // markers, not client ids
                    entries.add(Map.entry(k, v));
                }
            });
        } catch (RuntimeException e) {
            if (!MinorityWrites.isDenied(e)) {
                throw e;
            }
            LOG.info("Cluster node {} lost its quorum before it could take the client ids of the nodes that left: the "
                    + "majority side takes them.", self);
            return;
        }
        for (Map.Entry<String, byte[]> e : entries) {
            String clientId = e.getKey();
            OwnerEntry o = OwnerEntry.decode(e.getValue());
            if (alive.contains(o.node()) || !adopterOf(o.node(), alive).equals(self)) {
                continue;
            }
            try {
                SessionImage image = replica.read(clientId);
                if (image == null) {
                    if (!owners.remove(clientId, e.getValue())) {
                        continue; // it reconnected meanwhile
                    }
                } else {
                    OwnerEntry next = new OwnerEntry(self, o.epoch() + 1, o.username(), null, 0);
                    mine.put(clientId, next.epoch());
                    if (!owners.replace(clientId, e.getValue(), next.encode())) {
                        mine.remove(clientId, next.epoch());
                        continue;
                    }
                    in.adopt(clientId, image);
                }
                if (o.will() != null) {
                    in.will(clientId, o.username(), o.will(), o.willDelayLeft(System.currentTimeMillis()));
                }
            } catch (RuntimeException ex) {
                LOG.warn("Could not take over client {} from node {}, which left: {}", LogSafe.text(clientId), o.node(),
                        ex.toString());
            }
        }
    }

    private List<String> members() {
        List<String> names = new ArrayList<>();
        manager.getMembers().forEach(a -> names.add(NodeNames.of(a)));
        return names;
    }

    @Listener
    public final class OwnerChanges {
        @CacheEntryCreated
        @CacheEntryModified
        public void changed(CacheEntryEvent<String, byte[]> event) {
            if (event.isPre() || event.getValue() == null) {
                return;
            }
            String key = event.getKey();
            if (key.startsWith(LiveHandover.ROUTED) || key.startsWith(LiveHandover.TAIL)) {
                live.markerChanged(key, event.getValue());
                return;
            }
            if (key.startsWith(RELEASED)) {
                String clientId = key.substring(RELEASED.length());
                long epoch = ByteBuffer.wrap(event.getValue()).getLong();
                Wait w = waits.get(clientId);
                if (w != null && epoch >= w.epoch() && waits.remove(clientId, w)) {
                    w.released().complete(null);
                }
                return;
            }
            OwnerEntry o = OwnerEntry.decode(event.getValue());
            Long held = mine.get(key);
            if (!o.node().equals(self) && held != null && o.epoch() > held && mine.remove(key, held)) {
                release(key, o.epoch());
            }
        }
    }

}
