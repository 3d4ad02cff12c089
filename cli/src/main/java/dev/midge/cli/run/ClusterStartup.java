package dev.midge.cli.run;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.cluster.InfinispanCluster;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.ListenerConfig;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Makes a broker with {@code midge_cluster_*} options a cluster node: the link, and the security
 * files whose contents the cluster keeps equal (every listener's CRL, the global ACL). Without
 * cluster options nothing of the cluster is loaded or started.
 */
final class ClusterStartup {

    private ClusterStartup() {
    }

    /** Null for a broker on its own. */
    static InfinispanCluster link(BrokerConfig config, FileWatcher watcher) {
        if (config.cluster() == null) {
            return null;
        }
        InfinispanCluster cluster = new InfinispanCluster(config.cluster(), watcher);
        Set<Path> crls = new LinkedHashSet<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.tls() != null && listener.tls().crlfile() != null) {
                crls.add(listener.tls().crlfile().toAbsolutePath().normalize());
            }
        }
        crls.forEach(cluster::shareCrl);
        if (config.security().aclFile() != null) {
            cluster.shareAcl(config.security().aclFile());
        }
        return cluster;
    }
}
