package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterInbox;
import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;
import dev.midge.broker.cluster.ShareAssignment;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.conf.ClusterOptions;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.conflict.MergePolicy;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.DataRehashed;
import org.infinispan.notifications.cachelistener.annotation.PartitionStatusChanged;
import org.infinispan.notifications.cachelistener.annotation.TopologyChanged;
import org.infinispan.notifications.cachelistener.event.DataRehashedEvent;
import org.infinispan.notifications.cachelistener.event.PartitionStatusChangedEvent;
import org.infinispan.notifications.cachelistener.event.TopologyChangedEvent;
import org.infinispan.partitionhandling.PartitionHandling;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.fork.ForkChannel;
import org.jgroups.protocols.FRAG4;
import org.jgroups.stack.ProtocolStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A Midge cluster node on Infinispan embedded over JGroups. Infinispan keeps three replicated
 * caches: the routes (which node has subscribers for which filter), the retained messages, and
 * the security files (CRL, ACL). Messages themselves go node to node over a JGroups fork channel
 * of the same TLS links (one port, one handshake per pair of nodes), in order per sending node,
 * and only to the nodes whose filters match.
 */
public final class InfinispanCluster implements ClusterLink, FigureSource {

    private static final Logger LOG = LoggerFactory.getLogger(InfinispanCluster.class);
    private static final String CLUSTER_NAME = "midge";
    /** The caches that must not diverge: the minority side of a split may neither read nor write them. */
    private static final List<String> GUARDED = List.of("midge-routes", "midge-retained", "midge-owners",
            "midge-sessions");

    private final ClusterOptions options;
    private final FileWatcher watcher;
    private final SharedFileSet sharedFiles = new SharedFileSet();
    private final RouteTable routes = new RouteTable();
    /** This node's filters, put again after a merge: the other side's copy of the cache never saw them. */
    private final Set<String> ownFilters = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Per other node: its bounded queue and the thread that sends it in batches (in the order published). */
    private final Map<String, NodeSender> senders = new ConcurrentHashMap<>();
    /** The sender queue a message published on this thread went over the high-water mark of, for {@link #pauseWhileBacklogged}. */
    private final ThreadLocal<NodeSender> overHigh = new ThreadLocal<>();
    private final NodeQueue.Bound bound;
    /**
     * Route puts and removals, in the order subscriptions came and went: never behind queued
     * messages (a SUBACK waits for its route only), never on an event loop (REPL_SYNC waits for every node).
     */
    private final ExecutorService routeWriter = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-routes"));
    private final RetainedWriter retainedWriter = new RetainedWriter();
    /** The nodes in the current view: a shared group's message goes only to a node that is there. */
    private volatile Set<String> view = Set.of();
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-files"));
    /** Completes when the last filter handed to the route writer is in the replicated routes; SUBACK waits for it. */
    private volatile CompletableFuture<Void> lastFilterKnown = CompletableFuture.completedFuture(null);
    private final PartitionGuard partitions;
    private final MinorityWrites minorityWrites;
    private SecurityFileSync securitySync;
    /** The guarded caches that have not finished their rebalance since the last merge: see {@link MergeSettling}. */
    private final Set<String> settling = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private DefaultCacheManager manager;
    private ForkChannel messages;
    private Cache<String, String> routeCache;
    private Cache<String, byte[]> retainedCache;
    private SessionOwnership sessions;
    private DeliveryConfirmations confirmations;
    private final ExecutorService sessionWork = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-sessions"));
    private final ExecutorService replicaWriter = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-replica"));

    /**
     * @param watcher the broker's file watcher: shared files are watched through it
     */
    public InfinispanCluster(ClusterOptions options, FileWatcher watcher) {
        this.options = options;
        this.bound = new NodeQueue.Bound(options.sendQueue().messages(), options.sendQueue().bytes());
        this.watcher = watcher;
        this.partitions = new PartitionGuard(options.node(), expectedNodes(options), options.lease());
        this.minorityWrites = new MinorityWrites(options.node());
    }

    /** The seed list's nodes, this one included whether it lists itself or not. */
    private static int expectedNodes(ClusterOptions options) {
        return options.members().size() + (options.members().contains(options.bind()) ? 0 : 1);
    }

    /** Where the clients are sent when this node loses its quorum (e.g. {@code MidgeBroker::disconnectClients}). */
    public InfinispanCluster disconnectWith(dev.midge.tls.Disconnector disconnector) {
        partitions.disconnectWith(disconnector);
        return this;
    }

    @Override
    public String refusesClients() {
        return partitions.refusal();
    }

    /** Keeps this node's CRL file in step with the cluster's (the highest CRL number wins). Before start. */
    public InfinispanCluster shareCrl(java.nio.file.Path crlFile) {
        sharedFiles.add(SharedFile.crl(crlFile));
        return this;
    }

    /**
     * Keeps a listener's CRL file in step with the same listener's on the other nodes, when this
     * node's listeners name different CRL files (of different CAs). Before start.
     */
    public InfinispanCluster shareCrl(java.nio.file.Path crlFile, String listener) {
        sharedFiles.listener(SharedFile.Kind.CRL, crlFile, listener);
        return this;
    }

    /** Keeps this node's ACL file in step with the cluster's (the newest change wins). Before start. */
    public InfinispanCluster shareAcl(java.nio.file.Path aclFile) {
        sharedFiles.global(SharedFile.Kind.ACL, aclFile);
        return this;
    }

    /**
     * Keeps a listener's own ACL file ({@code per_listener_settings true}) in step with the same
     * listener's on the other nodes. Before start.
     *
     * @param listener the listener's port, or its unix socket path: the same on nodes with the same layout
     */
    public InfinispanCluster shareAcl(java.nio.file.Path aclFile, String listener) {
        sharedFiles.listener(SharedFile.Kind.ACL, aclFile, listener);
        return this;
    }

    /** Keeps this node's password file in step with the cluster's (the newest change wins). Before start. */
    public InfinispanCluster sharePasswordFile(java.nio.file.Path passwordFile) {
        sharedFiles.global(SharedFile.Kind.PASSWORD, passwordFile);
        return this;
    }

    /** As {@link #shareAcl(java.nio.file.Path, String)}, for a listener's own password file. */
    public InfinispanCluster sharePasswordFile(java.nio.file.Path passwordFile, String listener) {
        sharedFiles.listener(SharedFile.Kind.PASSWORD, passwordFile, listener);
        return this;
    }

    /**
     * Keeps a CA file (public certificates only: one holding anything else is never shared nor
     * written) in step with the cluster's. {@code listener} null: the one CA file of all this node's
     * listeners; else the listener's own. Before start.
     */
    public InfinispanCluster shareCaChain(java.nio.file.Path caFile, String listener) {
        if (listener == null) {
            sharedFiles.global(SharedFile.Kind.CA, caFile);
        } else {
            sharedFiles.listener(SharedFile.Kind.CA, caFile, listener);
        }
        return this;
    }

    public String nodeName() {
        return options.node();
    }

    @Override
    public void start(ClusterInbox inbox) throws Exception {
        JChannel channel = NodeChannel.create(options, NodeTls.context(options));
        messages = new ForkChannel(channel, "midge", "messages", true, ProtocolStack.Position.ABOVE, FRAG4.class);
        messages.setReceiver(new Receiver() {
            @Override
            public void receive(Message msg) {
                deliver(inbox, msg);
            }
        });
        confirmations = new DeliveryConfirmations(new ForkChannel(channel, "midge", "confirms", true,
                ProtocolStack.Position.ABOVE, FRAG4.class), replicaWriter);
        GlobalConfigurationBuilder global = new GlobalConfigurationBuilder();
        global.transport().defaultTransport().clusterName(CLUSTER_NAME).nodeName(options.node())
                .addProperty(JGroupsTransport.CHANNEL_CONFIGURATOR, new PrebuiltChannel(channel));
        global.jmx().enabled(false);
        manager = new DefaultCacheManager(global.build(), false);
        // The minority side of a split may neither read nor write (DENY_READ_WRITES): only the side that stayed
        // AVAILABLE changed these caches, so on a merge its copy is the truth, removals included (PREFERRED_ALWAYS;
        // a policy keeping non-null values would bring back owners and sessions the majority let go). Each node puts
        // its own routes again after a merge (RouteResync, resync below).
        Configuration replicated = new ConfigurationBuilder().clustering().cacheMode(CacheMode.REPL_SYNC)
                .partitionHandling().whenSplit(PartitionHandling.DENY_READ_WRITES).mergePolicy(MergePolicy.PREFERRED_ALWAYS)
                .build();
        for (String name : List.of("midge-routes", "midge-retained", "midge-owners")) {
            manager.defineConfiguration(name, replicated);
        }
        // Both sides may change the CRL or ACL during a split (a revocation on the minority side too): they stay
        // writable and the merge keeps the highest version of each file, which SecurityFileSync then writes out.
        manager.defineConfiguration("midge-security", new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.REPL_SYNC).partitionHandling().whenSplit(PartitionHandling.ALLOW_READ_WRITES)
                .mergePolicy(new SecurityMergePolicy()).build());
        // Two synchronous copies of each persistent session: one node's SIGKILL leaves the other.
        manager.defineConfiguration("midge-sessions", new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.DIST_SYNC).hash().numOwners(2)
                .partitionHandling().whenSplit(PartitionHandling.DENY_READ_WRITES).mergePolicy(MergePolicy.PREFERRED_ALWAYS)
                .build());
        manager.start();
        Cache<String, byte[]> sessionCache = manager.getCache("midge-sessions");
        sessions = new SessionOwnership(options.node(), manager, manager.getCache("midge-owners"),
                new SessionReplica(sessionCache, replicaWriter, minorityWrites), sessionWork, routeWriter,
                partitions::serving);
        sessions.fences(this::sendFence);
        manager.addListener(new Membership());
        routeCache = manager.getCache("midge-routes");
        retainedCache = manager.getCache("midge-retained");
        retainedWriter.start(retainedCache, minorityWrites);
        Cache<String, byte[]> security = manager.getCache("midge-security");

        routeCache.addListener(new RouteListener(routes));
        routeCache.addListener(new RouteResync());
        for (String key : routeCache.keySet()) {
            routes.add(key);
        }
        forgetStaleRoutesOf(Set.of(options.node())); // a previous life of this node that died
        retainedCache.addListener(new RetainedListener(inbox));
        retainedCache.forEach((topic, bytes) -> inbox.retain(MessageCodec.decode(bytes)));
        messages.connect(CLUSTER_NAME);
        confirmations.connect(CLUSTER_NAME);
        securitySync = new SecurityFileSync(security, sharedFiles.files(), io, options.node(), this::memberNames);
        securitySync.start(watcher);
        partitions.onServingAgain(this::afterMerge);
        Availability availability = new Availability();
        MergeSettling mergeSettling = new MergeSettling();
        for (String name : GUARDED) {
            Cache<?, ?> cache = manager.getCache(name);
            cache.addListener(availability);
            cache.addListener(mergeSettling);
            partitions.availabilityChanged(name, cache.getAdvancedCache().getAvailability());
        }
        List<String> members = new ArrayList<>();
        manager.getMembers().forEach(a -> members.add(NodeNames.of(a)));
        view = Set.copyOf(members);
        partitions.viewChanged(members);
        LOG.info("Cluster node {} joined on {}: members {}.", options.node(), options.bind(), members);
    }

    /** A batch from another node: its messages in order (JGroups keeps the order of each sender's batches). */
    private void deliver(ClusterInbox inbox, Message msg) {
        List<byte[]> batch;
        try {
            batch = MessageBatch.decode(msg.getArray(), msg.getOffset(), msg.getLength());
        } catch (RuntimeException e) {
            LOG.error("Dropped a batch of messages from node {}: {}", msg.getSrc(), e.toString());
            return;
        }
        for (byte[] data : batch) {
            try {
                if (HandoverFence.is(data)) {
                    sessions.fenced(NodeNames.of(msg.getSrc()), HandoverFence.decode(data));
                } else if (NodeDelivery.isNodeDelivery(data)) {
                    NodeDelivery d = NodeDelivery.decode(data);
                    ClusterMessage m = MessageCodec.decode(d.message());
                    Set<String> missing = inbox.deliver(m, d.normal(), d.shares());
                    if (!missing.isEmpty()) {
                        redirect(d, missing, m.qos());
                    }
                } else {
                    inbox.deliver(MessageCodec.decode(data));
                }
            } catch (RuntimeException e) {
                LOG.error("Dropped a message from node {}: {}", msg.getSrc(), e.toString());
            }
        }
        confirmations.received(msg.getSrc(), batch.size());
    }

    /**
     * On the publisher's event loop: finds the nodes with matching routes and queues the message
     * to each; sending is their senders' work. Retained messages go to the replicated cache from
     * a writer of their own.
     */
    @Override
    public void published(ClusterMessage message) {
        publish(message, Map.of());
    }

    @Override
    public void published(ClusterMessage message, ShareAssignment shares) {
        publish(message, ((SharePicks) shares).byOtherNode());
    }

    /**
     * On the publisher's event loop: finds the nodes with matching routes (and those picked for its
     * shared groups, {@code shares}) and queues the message to each; sending is their senders'
     * work. Retained messages go to the replicated cache from a writer of their own.
     */
    private void publish(ClusterMessage message, Map<String, Set<String>> shares) {
        overHigh.remove();
        if (message.retain()) {
            retainedWriter.write(message);
        }
        List<String> nodes = routes.nodesFor(message.topic(), options.node());
        DeliveryConfirmations.Outstanding tracked = confirmations.track(message.qos());
        if (nodes.isEmpty() && shares.isEmpty()) {
            confirmations.allSent(tracked, false);
            return;
        }
        List<String> targets = nodes;
        if (!shares.isEmpty()) {
            Set<String> all = new LinkedHashSet<>(nodes);
            all.addAll(shares.keySet());
            targets = new ArrayList<>(all);
        }
        byte[] bytes = MessageCodec.encode(message);
        byte[] normalOnly = null; // the same for every node without shared groups: encoded once
        List<NodeSender> to = new ArrayList<>(targets.size());
        List<byte[]> data = new ArrayList<>(targets.size());
        boolean lost = false;
        for (String node : targets) {
            if (addressOf(node) == null) {
                lost = true; // a node gone whose routes wait for its sessions' adopter
                continue;
            }
            Set<String> groups = shares.getOrDefault(node, Set.of());
            if (groups.isEmpty()) {
                if (normalOnly == null) {
                    normalOnly = new NodeDelivery(true, groups, 0, bytes).encode();
                }
                data.add(normalOnly);
            } else {
                data.add(new NodeDelivery(nodes.contains(node), groups, 0, bytes).encode());
            }
            to.add(senderFor(node));
        }
        NodeSender.Delivery delivery = tracked == null ? null
                : new NodeSender.Delivery(confirmations, tracked, to.size() + 1, lost);
        for (int i = 0; i < to.size(); i++) {
            if (to.get(i).offer(data.get(i), message.qos(), delivery) == NodeQueue.Offer.OVER_HIGH) {
                overHigh.set(to.get(i));
            }
        }
        if (delivery != null) {
            delivery.sendDone(false); // the queuing is done: sends may all be done already
        }
    }

    @Override
    public boolean pauseWhileBacklogged(Runnable resume) {
        NodeSender sender = overHigh.get();
        if (sender == null) {
            return false;
        }
        overHigh.remove();
        return sender.queue().pauseWhileOverHigh(resume);
    }

    /** The member of the current view called {@code node}, or null if it is not in the view. */
    private org.jgroups.Address addressOf(String node) {
        org.jgroups.View view = messages.getView();
        if (view != null) {
            for (org.jgroups.Address member : view.getMembers()) {
                if (node.equals(NodeNames.of(member))) {
                    return member;
                }
            }
        }
        return null;
    }

    /**
     * Queues a takeover's fence to {@code node} behind every message this node queued for it before
     * (this node's routes already include the new node's, see {@link LiveHandover}): the node's
     * sender sends its queue in order, and the fence is counted as the messages are.
     */
    private void sendFence(String node, HandoverFence fence) {
        if (addressOf(node) == null) {
            LOG.warn("Could not send node {} the takeover fence of client {}: it is not in the view", node,
                    LogSafe.text(fence.clientId()));
            return;
        }
        // Offered as QoS 1: a fence is never dropped at the queue's cap.
        senderFor(node).offer(fence.encode(), 1, null);
    }

    @Override
    public ShareAssignment assignShares(String topic) {
        Map<String, String> picked = routes.assignShares(topic, options.node(), ownFilters::contains, view);
        return picked == null ? null : new SharePicks(picked, options.node());
    }

    /** The queue and sender thread of another node, made on first use. */
    private NodeSender senderFor(String node) {
        return senders.computeIfAbsent(node, n -> new NodeSender(n, bound, messages, this::addressOf, confirmations));
    }

    /**
     * The node picked for some of a message's shared groups has no member of them any more (they
     * left while it was on its way): each goes on to another node with members, if there is one
     * and it has not gone round the cluster yet. Rare, and not the devices' doing: logged for debugging only.
     */
    private void redirect(NodeDelivery d, Set<String> groups, int qos) {
        Map<String, Set<String>> byNode = new HashMap<>(4);
        for (String group : groups) {
            String node = d.hops() + 1 < view.size() ? routes.redirect(group, options.node(), view) : null;
            if (node == null || addressOf(node) == null) {
                LOG.debug("A message for shared group {} found no member on any node; dropped.", group);
            } else {
                byNode.computeIfAbsent(node, n -> new HashSet<>(2)).add(group);
            }
        }
        byNode.forEach((node, forNode) ->
                senderFor(node).offer(new NodeDelivery(false, forNode, d.hops() + 1, d.message()).encode(), qos, null));
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> delivered() {
        return confirmations.delivered();
    }

    /** Per other node: what is queued for it now, the most ever queued, and the QoS 0 messages dropped at the cap. */
    @Override
    public void collect(java.util.function.Consumer<Figure> out) {
        senders.forEach((node, sender) -> {
            NodeQueue<?> q = sender.queue();
            out.accept(Figure.gauge("cluster/queue_messages", "Messages queued for another cluster node", "node", node, q.messages()));
            out.accept(Figure.gauge("cluster/queue_bytes", "Bytes queued for another cluster node", "node", node, q.bytes()));
            out.accept(Figure.gauge("cluster/queue_peak_messages", "The most messages ever queued for another cluster node",
                    "node", node, q.peakMessages()));
            out.accept(Figure.gauge("cluster/queue_peak_bytes", "The most bytes ever queued for another cluster node",
                    "node", node, q.peakBytes()));
            out.accept(Figure.counter("cluster/queue_dropped", "QoS 0 messages for another cluster node dropped at the queue's hard cap",
                    "node", node, q.dropped()));
        });
    }

    @Override
    public void filterAdded(String filter) {
        ownFilters.add(filter);
        CompletableFuture<Void> known = new CompletableFuture<>();
        synchronized (this) { // the last one queued is the last one known: the route writer runs them in order
            lastFilterKnown = known;
            routeWriter.execute(() -> {
                try {
                    // REPL_SYNC: returns once every other node has the route (and its listener ran).
                    minorityWrites.attempt(routeCache, LOG, () -> "the route of " + LogSafe.text(filter)
                            + " (announced once healed)", () -> routeCache.put(RouteTable.key(options.node(), filter),
                            options.node()));
                } catch (RuntimeException e) {
                    LOG.warn("Could not share the route of {} with the cluster: {}", filter, e.toString());
                } finally {
                    known.complete(null);
                }
            });
        }
    }

    @Override
    public CompletableFuture<Void> filtersKnown() {
        return lastFilterKnown;
    }

    @Override
    public void filterRemoved(String filter) {
        ownFilters.remove(filter);
        routeWriter.execute(() -> {
            try {
                minorityWrites.attempt(routeCache, LOG, () -> "the removal of the route of " + LogSafe.text(filter),
                        () -> routeCache.remove(RouteTable.key(options.node(), filter)));
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the route of {} from the cluster: {}", filter, e.toString());
            }
        });
    }

    /** Removes the routes of nodes that are gone; any node may, removing twice is harmless. */
    private void forgetStaleRoutesOf(Set<String> nodes) {
        // Split off since: the majority forgets them, and this node reads the routes again once merged.
        minorityWrites.attempt(routeCache, LOG, () -> "forgetting the routes of " + nodes, () -> {
            for (String key : new ArrayList<>(routeCache.keySet())) {
                if (nodes.contains(RouteTable.nodeOf(key))) {
                    routeCache.remove(key);
                }
            }
            nodes.forEach(routes::forgetNode);
        });
    }

    @Listener
    public final class Membership {
        @ViewChanged
        @Merged
        public void viewChanged(ViewChangedEvent event) {
            Set<String> gone = new HashSet<>();
            for (Address a : event.getOldMembers()) {
                gone.add(NodeNames.of(a));
            }
            List<String> now = new ArrayList<>();
            for (Address a : event.getNewMembers()) {
                gone.remove(NodeNames.of(a));
                now.add(NodeNames.of(a));
            }
            view = Set.copyOf(now); // a node gone delivers to no shared group from now on
            LOG.info("Cluster members now {}{}.", now, gone.isEmpty() ? "" : "; gone: " + gone);
            partitions.viewChanged(now);
            // On the minority side the others are not gone, only out of reach: their sessions and routes are the
            // majority's to deal with (and this side's caches refuse the writes anyway).
            if (!gone.isEmpty() && partitions.serving()) {
                // Their routes stay until their sessions' adopter has announced its own: a message meanwhile is
                // refused to its publisher (DeliveryConfirmations) rather than acknowledged and lost.
                sessions.afterAdoption(gone, () -> routeWriter.execute(() -> forgetStaleRoutesOf(gone)));
                // What was queued for them is not sent: QoS 1/2 publishers are not acknowledged and send again.
                gone.forEach(node -> {
                    NodeSender sender = senders.remove(node);
                    if (sender != null) {
                        sender.close();
                    }
                });
            }
        }
    }

    /**
     * After the routes cache's members change (a join, a leave, a healed partition), each node puts
     * its own routes again and reads everyone's: the other side of a partition never saw this
     * node's, and a merge restores entries without telling the listeners. Waiting for the cache's
     * topology, not the JGroups view: a put made before the cache has merged misses the other side.
     */
    @Listener
    public final class RouteResync {
        @TopologyChanged
        public void topologyChanged(TopologyChangedEvent<String, String> event) {
            if (!event.isPre() && partitions.serving()) {
                routeWriter.execute(InfinispanCluster.this::resyncRoutes);
            }
        }
    }

    private void resyncRoutes() {
        try {
            ownFilters.forEach(f -> routeCache.put(RouteTable.key(options.node(), f), options.node()));
            routeCache.keySet().forEach(routes::add);
        } catch (RuntimeException e) {
            if (MinorityWrites.isDenied(e)) {
                minorityWrites.refused(LOG, "the routes' resynchronisation");
            } else {
                LOG.warn("Could not resynchronise the routes after a change of members: {}", e.toString());
            }
        }
    }

    /**
     * The caches are AVAILABLE again after a split: a merge restores entries without telling the
     * listeners, so this node announces its routes and reads everyone's again, lets go of the
     * client ids the majority gave to others (or let go) meanwhile, and agrees on the CRL and ACL.
     */
    private void afterMerge() {
        minorityWrites.servingAgain(LOG);
        settling.addAll(GUARDED);
        convergeAfterMerge();
    }

    private void convergeAfterMerge() {
        routeWriter.execute(this::resyncRoutes);
        sessions.reconcileAfterMerge();
        if (securitySync != null) {
            securitySync.agreeAgain();
        }
    }

    /**
     * The caches turn AVAILABLE when conflict resolution starts, but its writes (PREFERRED_ALWAYS:
     * the majority's entries over the minority's) land only later, without telling listeners, and
     * a rebalance follows. So the checks of {@link #afterMerge} run again once each guarded cache
     * has finished that rebalance: by then every node holds the merged state, and the cluster's
     * stable topology counts this node again (a split before that would find both sides short).
     */
    @Listener
    public final class MergeSettling {
        @DataRehashed
        public void rehashed(DataRehashedEvent<?, ?> event) {
            if (event.isPre() || !partitions.serving() || !settling.remove(event.getCache().getName())) {
                return;
            }
            convergeAfterMerge();
            if (settling.isEmpty()) {
                LOG.info("Cluster node {} has merged: its caches are rebalanced with {}.", options.node(),
                        event.getMembersAtEnd());
            }
        }
    }

    /** Infinispan's verdict on each guarded cache: DEGRADED on the minority side of a split. */
    @Listener
    public final class Availability {
        @PartitionStatusChanged
        public void changed(PartitionStatusChangedEvent<?, ?> event) {
            if (!event.isPre()) {
                List<String> now = new ArrayList<>();
                manager.getMembers().forEach(m -> now.add(NodeNames.of(m)));
                partitions.availabilityChanged(event.getCache().getName(), event.getAvailabilityMode(), now);
            }
        }
    }

    @Override
    public dev.midge.broker.cluster.ClusterSessions sessions() {
        return sessions;
    }

    @Override
    public void close() {
        sessionWork.shutdownNow();
        replicaWriter.shutdown();
        routeWriter.shutdown();
        retainedWriter.close();
        try {
            routeWriter.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        senders.values().forEach(NodeSender::close);
        io.shutdownNow();
        if (confirmations != null) {
            confirmations.close();
        }
        partitions.close();
        if (messages != null) {
            messages.close();
        }
        if (manager != null) {
            manager.stop();
        }
    }

    private static Thread thread(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The nodes of the current view, by name. */
    private List<String> memberNames() {
        List<String> names = new ArrayList<>();
        manager.getMembers().forEach(a -> names.add(NodeNames.of(a)));
        return names;
    }
}
