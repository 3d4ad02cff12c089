package dev.midge.cli.run;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.cluster.InfinispanCluster;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.ListenerConfig;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;

/**
 * Makes a broker with {@code midge_cluster_*} options a cluster node: the link, and the security
 * files whose contents the cluster keeps equal (the CRL, or each listener's when they differ; the ACL and password file,
 * broker-wide or, with {@code per_listener_settings true}, each listener's own under a key made of
 * its port; with {@code midge_cluster_share_cafile true} the CA files). Without cluster options
 * nothing of the cluster is loaded or started.
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
        Map<ListenerConfig, Path> crlFiles = new LinkedHashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.tls() != null && listener.tls().crlfile() != null) {
                crlFiles.put(listener, listener.tls().crlfile().toAbsolutePath().normalize());
            }
        }
        // One crlfile for every listener (the usual case) is the cluster's CRL; CRLs of different
        // CAs in different files are each kept with the same listener's, never one over the other.
        if (new LinkedHashSet<>(crlFiles.values()).size() == 1) {
            cluster.shareCrl(crlFiles.values().iterator().next());
        } else {
            crlFiles.forEach((listener, crlFile) -> cluster.shareCrl(crlFile, id(listener)));
        }
        if (config.perListenerSettings()) {
            for (ListenerConfig listener : config.listeners()) {
                if (listener.security().aclFile() != null) {
                    cluster.shareAcl(listener.security().aclFile(), id(listener));
                }
                if (listener.security().passwordFile() != null) {
                    cluster.sharePasswordFile(listener.security().passwordFile(), id(listener));
                }
            }
        } else {
            if (config.security().aclFile() != null) {
                cluster.shareAcl(config.security().aclFile());
            }
            if (config.security().passwordFile() != null) {
                cluster.sharePasswordFile(config.security().passwordFile());
            }
        }
        if (config.cluster().shareCafile()) {
            shareCaFiles(config, cluster);
        }
        return cluster;
    }

    /** One CA file for every listener (the usual case) is shared as the cluster's; differing ones per listener. */
    private static void shareCaFiles(BrokerConfig config, InfinispanCluster cluster) {
        Map<ListenerConfig, Path> caFiles = new LinkedHashMap<>();
        for (ListenerConfig listener : config.listeners()) {
            if (listener.tls() != null && listener.tls().cafile() != null) {
                caFiles.put(listener, listener.tls().cafile().toAbsolutePath().normalize());
            }
        }
        if (new LinkedHashSet<>(caFiles.values()).size() == 1) {
            cluster.shareCaChain(caFiles.values().iterator().next(), null);
        } else {
            caFiles.forEach((listener, caFile) -> cluster.shareCaChain(caFile, id(listener)));
        }
    }

    /** What tells a listener apart on every node: its port or socket path, not its bind address. */
    private static String id(ListenerConfig listener) {
        return listener.isUnixSocket() ? listener.extras().unixSocket().toString() : Integer.toString(listener.port());
    }
}
