package dev.midge.cluster;

import dev.midge.conf.ClusterOptions;
import org.jgroups.JChannel;
import org.jgroups.protocols.FD_ALL3;
import org.jgroups.protocols.FRAG4;
import org.jgroups.protocols.MERGE3;
import org.jgroups.protocols.MFC;
import org.jgroups.protocols.TCP;
import org.jgroups.protocols.TCPPING;
import org.jgroups.protocols.UFC;
import org.jgroups.protocols.UNICAST3;
import org.jgroups.protocols.VERIFY_SUSPECT2;
import org.jgroups.protocols.pbcast.GMS;
import org.jgroups.protocols.pbcast.NAKACK2;
import org.jgroups.protocols.pbcast.STABLE;
import org.jgroups.util.TLS;
import org.jgroups.util.TLSClientAuth;

import javax.net.ssl.SSLContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The JGroups channel Infinispan runs on, built in code rather than from XML so that no
 * protocol opens a socket of its own: TCP with TLS (mutual authentication) is the only way in,
 * discovery is the seed list (TCPPING, no multicast), failure detection is heartbeats over the
 * same links (FD_ALL3, not FD_SOCK2's separate plain sockets).
 */
final class NodeChannel {

    private NodeChannel() {
    }

    static JChannel create(ClusterOptions options, SSLContext tls) throws Exception {
        TCP tcp = new TCP();
        tcp.setBindAddress(InetAddress.getByName(options.bind().host()));
        tcp.setBindPort(options.bind().port());
        tcp.setPortRange(0); // the port given or none: a node must be where its peers' seed lists say
        tcp.setSocketFactory(new TLS().setClientAuth(TLSClientAuth.NEED).createSocketFactory(tls));
        // A TLS handshake of a cold JVM on a busy host can take seconds; JGroups' 2 s default then
        // made a joining node give up and start a cluster of its own, merged only much later.
        tcp.setSockConnTimeout(10_000);

        List<InetSocketAddress> seeds = new ArrayList<>();
        for (ClusterOptions.HostPort member : options.members()) {
            seeds.add(new InetSocketAddress(member.host(), member.port()));
        }
        TCPPING ping = new TCPPING();
        ping.setInitialHosts(seeds);
        ping.setPortRange(0);

        GMS gms = new GMS();
        gms.setJoinTimeout(5000);
        // Nodes that did start apart (all at once, or after a partition) find each other within seconds.
        MERGE3 merge = new MERGE3().setMinInterval(2000).setMaxInterval(5000);

        // A node that stops answering is suspected after 10 s (JGroups' default 40 s): the other side
        // of a partition learns it has lost its quorum, and stops serving, that much sooner, and a
        // killed node's sessions and wills are taken over that much sooner.
        long suspectAfter = TestPartition.suspectAfterMillis(10_000);
        FD_ALL3 failureDetection = new FD_ALL3().setTimeout(suspectAfter).setInterval(suspectAfter / 5);
        JChannel channel = new JChannel(tcp, ping, merge, failureDetection, new VERIFY_SUSPECT2(), new NAKACK2(),
                new UNICAST3(), new STABLE(), gms, new UFC(), new MFC(), new FRAG4());
        channel.name(options.node());
        TestPartition.attachIfAsked(channel);
        return channel;
    }
}
