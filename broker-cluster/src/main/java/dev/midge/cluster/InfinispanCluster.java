package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterInbox;
import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.conf.ClusterOptions;
import org.infinispan.Cache;
import org.infinispan.configuration.cache.CacheMode;
import org.infinispan.configuration.cache.Configuration;
import org.infinispan.configuration.cache.ConfigurationBuilder;
import org.infinispan.configuration.global.GlobalConfigurationBuilder;
import org.infinispan.manager.DefaultCacheManager;
import org.infinispan.notifications.Listener;
import org.infinispan.notifications.cachelistener.annotation.TopologyChanged;
import org.infinispan.notifications.cachelistener.event.TopologyChangedEvent;
import org.infinispan.notifications.cachemanagerlistener.annotation.Merged;
import org.infinispan.notifications.cachemanagerlistener.annotation.ViewChanged;
import org.infinispan.notifications.cachemanagerlistener.event.ViewChangedEvent;
import org.infinispan.remoting.transport.Address;
import org.infinispan.remoting.transport.jgroups.JGroupsTransport;
import org.jgroups.BytesMessage;
import org.jgroups.JChannel;
import org.jgroups.Message;
import org.jgroups.Receiver;
import org.jgroups.fork.ForkChannel;
import org.jgroups.protocols.FRAG4;
import org.jgroups.stack.ProtocolStack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
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
    /** How long a node without a quorum keeps its connected clients: a short split costs them nothing. */
    private static final java.time.Duration LEASE = java.time.Duration.ofSeconds(5);

    private final ClusterOptions options;
    private final FileWatcher watcher;
    private final List<SharedFile> sharedFiles = new ArrayList<>();
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
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-files"));
    /** Completes when the last filter handed to the route writer is in the replicated routes; SUBACK waits for it. */
    private volatile CompletableFuture<Void> lastFilterKnown = CompletableFuture.completedFuture(null);
    private final PartitionGuard partitions;
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
        this.partitions = new PartitionGuard(options.node(), expectedNodes(options), LEASE);
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

    /** Keeps this node's ACL file in step with the cluster's (the newest change wins). Before start. */
    public InfinispanCluster shareAcl(java.nio.file.Path aclFile) {
        sharedFiles.add(SharedFile.acl(aclFile));
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
        Configuration replicated = new ConfigurationBuilder().clustering().cacheMode(CacheMode.REPL_SYNC).build();
        for (String name : List.of("midge-routes", "midge-retained", "midge-security")) {
            manager.defineConfiguration(name, replicated);
        }
        manager.defineConfiguration("midge-owners", replicated);
        // Two synchronous copies of each persistent session: one node's SIGKILL leaves the other.
        manager.defineConfiguration("midge-sessions", new ConfigurationBuilder().clustering()
                .cacheMode(CacheMode.DIST_SYNC).hash().numOwners(2).build());
        manager.start();
        Cache<String, byte[]> sessionCache = manager.getCache("midge-sessions");
        sessions = new SessionOwnership(options.node(), manager, manager.getCache("midge-owners"),
                new SessionReplica(sessionCache, replicaWriter), sessionWork, routeWriter);
        manager.addListener(new Membership());
        routeCache = manager.getCache("midge-routes");
        retainedCache = manager.getCache("midge-retained");
        retainedWriter.start(retainedCache);
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
        new SecurityFileSync(security, sharedFiles, io).start(watcher);
        List<String> members = new ArrayList<>();
        manager.getMembers().forEach(a -> members.add(NodeNames.of(a)));
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
                inbox.deliver(MessageCodec.decode(data));
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
        overHigh.remove();
        if (message.retain()) {
            retainedWriter.write(message);
        }
        List<String> nodes = routes.nodesFor(message.topic(), options.node());
        DeliveryConfirmations.Outstanding tracked = confirmations.track(message.qos());
        if (nodes.isEmpty()) {
            confirmations.allSent(tracked, false);
            return;
        }
        byte[] bytes = MessageCodec.encode(message);
        List<NodeSender> to = new ArrayList<>(nodes.size());
        boolean lost = false;
        for (String node : nodes) {
            if (addressOf(node) == null) {
                lost = true; // a node gone whose routes wait for its sessions' adopter
            } else {
                to.add(senders.computeIfAbsent(node, n -> new NodeSender(n, bound, messages, this::addressOf, confirmations)));
            }
        }
        NodeSender.Delivery delivery = tracked == null ? null
                : new NodeSender.Delivery(confirmations, tracked, to.size() + 1, lost);
        for (NodeSender sender : to) {
            if (sender.offer(bytes, message.qos(), delivery) == NodeQueue.Offer.OVER_HIGH) {
                overHigh.set(sender);
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
                    routeCache.put(RouteTable.key(options.node(), filter), options.node());
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
                routeCache.remove(RouteTable.key(options.node(), filter));
            } catch (RuntimeException e) {
                LOG.warn("Could not remove the route of {} from the cluster: {}", filter, e.toString());
            }
        });
    }

    /** Removes the routes of nodes that are gone; any node may, removing twice is harmless. */
    private void forgetStaleRoutesOf(Set<String> nodes) {
        for (String key : new ArrayList<>(routeCache.keySet())) {
            if (nodes.contains(RouteTable.nodeOf(key))) {
                routeCache.remove(key);
            }
        }
        nodes.forEach(routes::forgetNode);
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
            LOG.info("Cluster members now {}{}.", now, gone.isEmpty() ? "" : "; gone: " + gone);
            partitions.viewChanged(now);
            if (!gone.isEmpty()) {
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
            if (!event.isPre()) {
                routeWriter.execute(() -> {
                    try {
                        ownFilters.forEach(f -> routeCache.put(RouteTable.key(options.node(), f), options.node()));
                        routeCache.keySet().forEach(routes::add);
                    } catch (RuntimeException e) {
                        LOG.warn("Could not resynchronise the routes after a change of members: {}", e.toString());
                    }
                });
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
}
