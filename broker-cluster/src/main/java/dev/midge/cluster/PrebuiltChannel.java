package dev.midge.cluster;

import org.infinispan.remoting.transport.jgroups.JGroupsChannelConfigurator;
import org.jgroups.JChannel;
import org.jgroups.conf.ProtocolConfiguration;
import org.jgroups.util.SocketFactory;

import javax.sql.DataSource;
import java.util.List;

/**
 * Hands Infinispan the channel {@link NodeChannel} built. Infinispan 16 ignores a transport
 * instance given to its configuration builder and would otherwise build its default stack (UDP
 * multicast, no TLS): this is the hook it honours.
 */
final class PrebuiltChannel implements JGroupsChannelConfigurator {

    private final JChannel channel;

    PrebuiltChannel(JChannel channel) {
        this.channel = channel;
    }

    @Override
    public String getName() {
        return "midge-tls";
    }

    @Override
    public JChannel createChannel(String name) {
        return channel;
    }

    @Override
    public void setSocketFactory(SocketFactory socketFactory) {
        // The channel has its TLS socket factory already; nothing else may replace it.
    }

    @Override
    public void setDataSource(DataSource dataSource) {
        // No JDBC discovery.
    }

    @Override
    public String getProtocolStackString() {
        return channel.getProtocolStack().printProtocolSpecAsXML();
    }

    @Override
    public List<ProtocolConfiguration> getProtocolStack() {
        return List.of();
    }
}
