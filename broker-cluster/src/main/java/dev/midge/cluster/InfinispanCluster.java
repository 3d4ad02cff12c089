package dev.midge.cluster;

import dev.midge.broker.cluster.ClusterInbox;
import dev.midge.broker.cluster.ClusterLink;
import dev.midge.broker.cluster.ClusterMessage;
import dev.midge.broker.cluster.ShareAssignment;
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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
public final class InfinispanCluster implements ClusterLink {

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
    /** The nodes in the current view: a shared group's message goes only to a node that is there. */
    private volatile Set<String> view = Set.of();
    /** One thread: sends keep the order the engine published in, and the event loops never wait. */
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-send"));
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> thread(r, "midge-cluster-files"));
    /** Completes when the last filter handed to the sender is in the replicated routes; SUBACK waits for it. */
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
                new SessionReplica(sessionCache, replicaWriter), sessionWork, sender);
        manager.addListener(new Membership());
        routeCache = manager.getCache("midge-routes");
        retainedCache = manager.getCache("midge-retained");
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
        view = Set.copyOf(members);
        partitions.viewChanged(members);
        LOG.info("Cluster node {} joined on {}: members {}.", options.node(), options.bind(), members);
    }

    private void deliver(ClusterInbox inbox, Message msg) {
        try {
            byte[] data = Arrays.copyOfRange(msg.getArray(), msg.getOffset(), msg.getOffset() + msg.getLength());
            if (NodeDelivery.isNodeDelivery(data)) {
                NodeDelivery d = NodeDelivery.decode(data);
                Set<String> missing = inbox.deliver(MessageCodec.decode(d.message()), d.normal(), d.shares());
                if (!missing.isEmpty()) {
                    sender.execute(() -> redirect(d, missing));
                }
            } else {
                inbox.deliver(MessageCodec.decode(data));
            }
        } catch (RuntimeException e) {
            LOG.error("Dropped a message from node {}: {}", msg.getSrc(), e.toString());
        } finally {
            confirmations.received(msg.getSrc());
        }
    }

    @Override
    public void published(ClusterMessage message) {
        DeliveryConfirmations.Outstanding tracked = confirmations.track(message.qos());
        sender.execute(() -> send(message, tracked, Map.of()));
    }

    @Override
    public ShareAssignment assignShares(String topic) {
        Map<String, String> picked = routes.assignShares(topic, options.node(), ownFilters::contains, view);
        return picked == null ? null : new SharePicks(picked, options.node());
    }

    @Override
    public void published(ClusterMessage message, ShareAssignment shares) {
        DeliveryConfirmations.Outstanding tracked = confirmations.track(message.qos());
        sender.execute(() -> send(message, tracked, ((SharePicks) shares).byOtherNode()));
    }

    /**
     * The node picked for some of a message's shared groups has no member of them any more (they
     * left while it was on its way): each goes on to another node with members, if there is one
     * and it has not gone round the cluster yet. Rare, and not the devices' doing: logged for debugging only.
     */
    private void redirect(NodeDelivery d, Set<String> groups) {
        Map<String, Set<String>> byNode = new HashMap<>(4);
        for (String group : groups) {
            String node = d.hops() + 1 < view.size() ? routes.redirect(group, options.node(), view) : null;
            if (node == null) {
                LOG.debug("A message for shared group {} found no member on any node; dropped.", group);
            } else {
                byNode.computeIfAbsent(node, n -> new HashSet<>(2)).add(group);
            }
        }
        try {
            for (org.jgroups.Address member : messages.getView().getMembers()) {
                Set<String> forNode = byNode.get(NodeNames.of(member));
                if (forNode != null) {
                    messages.send(new BytesMessage(member,
                            new NodeDelivery(false, forNode, d.hops() + 1, d.message()).encode()));
                    confirmations.sent(member, null);
                }
            }
        } catch (Exception e) {
            LOG.warn("Could not send a message on to another member of its shared group: {}", e.toString());
        }
    }

    @Override
    public java.util.concurrent.CompletableFuture<Void> delivered() {
        return confirmations.delivered();
    }

    /** @param shares the shared groups picked for each other node (see {@link #assignShares}) */
    private void send(ClusterMessage message, DeliveryConfirmations.Outstanding tracked, Map<String, Set<String>> shares) {
        boolean lost = false;
        try {
            if (message.retain()) {
                if (message.payload().length == 0) {
                    retainedCache.remove(message.topic());
                } else {
                    retainedCache.put(message.topic(), MessageCodec.encode(message));
                }
            }
            List<String> nodes = routes.nodesFor(message.topic(), options.node());
            if (nodes.isEmpty() && shares.isEmpty()) {
                return;
            }
            byte[] bytes = MessageCodec.encode(message);
            byte[] normalOnly = null; // the same for every node without shared groups: encoded once
            Set<String> missing = new HashSet<>(nodes);
            missing.addAll(shares.keySet());
            for (org.jgroups.Address member : messages.getView().getMembers()) {
                String name = NodeNames.of(member);
                boolean normal = nodes.contains(name);
                Set<String> groups = shares.getOrDefault(name, Set.of());
                if (normal || !groups.isEmpty()) {
                    byte[] data;
                    if (groups.isEmpty()) {
                        data = normalOnly = normalOnly != null ? normalOnly : new NodeDelivery(true, groups, 0, bytes).encode();
                    } else {
                        data = new NodeDelivery(normal, groups, 0, bytes).encode();
                    }
                    messages.send(new BytesMessage(member, data));
                    confirmations.sent(member, tracked);
                    missing.remove(name);
                }
            }
            lost = !missing.isEmpty(); // a node gone whose routes wait for its sessions' adopter
        } catch (Exception e) {
            lost = true;
            LOG.warn("Could not send a message on {} to the cluster: {}", message.topic(), e.toString());
        } finally {
            confirmations.allSent(tracked, lost);
        }
    }

    @Override
    public void filterAdded(String filter) {
        ownFilters.add(filter);
        CompletableFuture<Void> known = new CompletableFuture<>();
        synchronized (this) { // the last one queued is the last one known: the sender runs them in order
            lastFilterKnown = known;
            sender.execute(() -> {
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
        sender.execute(() -> routeCache.remove(RouteTable.key(options.node(), filter)));
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
            view = Set.copyOf(now); // a node gone delivers to no shared group from now on
            LOG.info("Cluster members now {}{}.", now, gone.isEmpty() ? "" : "; gone: " + gone);
            partitions.viewChanged(now);
            if (!gone.isEmpty()) {
                // Their routes stay until their sessions' adopter has announced its own: a message meanwhile is
                // refused to its publisher (DeliveryConfirmations) rather than acknowledged and lost.
                sessions.afterAdoption(gone, () -> sender.execute(() -> forgetStaleRoutesOf(gone)));
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
                sender.execute(() -> {
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
        sender.shutdown();
        try {
            sender.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
