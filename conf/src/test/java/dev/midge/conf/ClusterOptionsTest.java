package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** midge_cluster_*: read into ClusterOptions, absent for a broker on its own, bad values stop at their line. */
class ClusterOptionsTest {

    private static final Path CONF = Path.of("/etc/midge/node1.conf");
    private static final String NODE = """
            midge_cluster_node node-1
            midge_cluster_bind 127.0.0.1:7801
            midge_cluster_members 127.0.0.1:7801, [::1]:7802,node3.example:7803
            midge_cluster_cafile /etc/midge/cluster/ca.crt
            midge_cluster_certfile /etc/midge/cluster/node-1.crt
            midge_cluster_keyfile /etc/midge/cluster/node-1.key
            listener 1883
            """;

    @Test
    void aNodesOptionsAreRead() {
        ClusterOptions cluster = MosquittoConf.parse(NODE, CONF).config().cluster();

        assertEquals("node-1", cluster.node());
        assertEquals(new ClusterOptions.HostPort("127.0.0.1", 7801), cluster.bind());
        assertEquals(List.of(new ClusterOptions.HostPort("127.0.0.1", 7801), new ClusterOptions.HostPort("::1", 7802),
                new ClusterOptions.HostPort("node3.example", 7803)), cluster.members());
        assertEquals(Path.of("/etc/midge/cluster/ca.crt"), cluster.caFile());
        assertEquals(Path.of("/etc/midge/cluster/node-1.crt"), cluster.certFile());
        assertEquals(Path.of("/etc/midge/cluster/node-1.key"), cluster.keyFile());
        assertEquals("[::1]:7802", cluster.members().get(1).toString());
        assertEquals(new ClusterOptions.SendQueue(20_000, 8L * 1024 * 1024), cluster.sendQueue(), "the default bound");
    }

    @Test
    void theBoundOfTheQueueToEachOtherNodeIsRead() {
        ClusterOptions cluster = MosquittoConf.parse(NODE + "midge_cluster_max_queued_messages 500\n"
                + "midge_cluster_max_queued_bytes 1048576\n", CONF).config().cluster();
        assertEquals(new ClusterOptions.SendQueue(500, 1_048_576), cluster.sendQueue());
        assertEquals(new ClusterOptions.SendQueue(500, 8L * 1024 * 1024), MosquittoConf.parse(
                NODE + "midge_cluster_max_queued_messages 500\n", CONF).config().cluster().sendQueue());
    }

    @Test
    void theListenersCaFilesAreSharedOnlyWhenAsked() {
        assertEquals(false, MosquittoConf.parse(NODE, CONF).config().cluster().shareCafile());
        assertEquals(true, MosquittoConf.parse(NODE + "midge_cluster_share_cafile true\n", CONF).config().cluster()
                .shareCafile());
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse(NODE + "midge_cluster_share_cafile yes\n", CONF));
        assertEquals(CONF + ":8: 'yes' is not a valid value for midge_cluster_share_cafile; use true or false",
                e.getMessage());
    }

    @Test
    void aBrokerOnItsOwnHasNoClusterOptions() {
        assertNull(MosquittoConf.parse("listener 1883\n", CONF).config().cluster());
    }

    @Test
    void aNodeWithoutItsCertificateStopsAtTheFirstClusterLine() {
        String withoutKey = NODE.replace("midge_cluster_keyfile /etc/midge/cluster/node-1.key\n", "");
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\n" + withoutKey, CONF));
        assertEquals(CONF + ":2: a cluster node needs midge_cluster_keyfile too (the cluster options are "
                + "midge_cluster_node, _bind, _members, _cafile, _certfile and _keyfile)", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            midge_cluster_node node/1               | 'node/1' is not a valid midge_cluster_node; use letters, digits, '.', '_' and '-' (at most 64, starting with a letter or digit), as in the node certificate's CN
            midge_cluster_bind 127.0.0.1            | '127.0.0.1' is not a valid HOST:PORT for midge_cluster_bind; use e.g. 10.0.0.5:7800 or [fd00::5]:7800
            midge_cluster_bind 127.0.0.1:0          | '127.0.0.1:0' is not a valid HOST:PORT for midge_cluster_bind; use e.g. 10.0.0.5:7800 or [fd00::5]:7800
            midge_cluster_members a:7800,,b:7800    | '' is not a valid HOST:PORT for midge_cluster_members; use e.g. 10.0.0.5:7800 or [fd00::5]:7800
            midge_cluster_members ::1:7800          | '::1:7800' is not a valid HOST:PORT for midge_cluster_members; use e.g. 10.0.0.5:7800 or [fd00::5]:7800
            midge_cluster_lease soon                | midge_cluster_lease must be a whole number, not 'soon'
            midge_cluster_lease -1                  | midge_cluster_lease must be between 0 and 86400, not -1
            midge_cluster_lease 86401               | midge_cluster_lease must be between 0 and 86400, not 86401
            midge_cluster_max_queued_messages 0     | midge_cluster_max_queued_messages must be at least 1, not 0
            midge_cluster_max_queued_bytes 1k       | midge_cluster_max_queued_bytes must be a whole number, not '1k'
            """)
    void aBadValueStopsStartUpAtItsLine(String line, String reason) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\n" + line + "\n", CONF));
        assertEquals(CONF + ":2: " + reason, e.getMessage());
    }

    @Test
    void theLeaseIsFiveSecondsUnlessSet() {
        assertEquals(Duration.ofSeconds(5), MosquittoConf.parse(NODE, CONF).config().cluster().lease());
        assertEquals(Duration.ofSeconds(2),
                MosquittoConf.parse(NODE + "midge_cluster_lease 2\n", CONF).config().cluster().lease());
        assertEquals(Duration.ZERO, MosquittoConf.parse(NODE + "midge_cluster_lease 0\n", CONF).config().cluster().lease());
    }

    @Test
    void embeddersGetTheDefaultLeaseToo() {
        ClusterOptions options = new ClusterOptions("node-1", new ClusterOptions.HostPort("127.0.0.1", 7801), List.of(),
                Path.of("ca"), Path.of("crt"), Path.of("key"), null);
        assertEquals(ClusterOptions.DEFAULT_LEASE, options.lease());
        assertEquals(Duration.ofSeconds(30), new ClusterOptions("node-1", options.bind(), List.of(), Path.of("ca"),
                Path.of("crt"), Path.of("key"), null, false, Duration.ofSeconds(30), null).lease());
    }

    @Test
    void aLeaseWithoutTheOtherClusterOptionsStopsAtItsLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\nmidge_cluster_lease 2\n", CONF));
        assertEquals(CONF + ":2: a cluster node needs midge_cluster_node too (the cluster options are "
                + "midge_cluster_node, _bind, _members, _cafile, _certfile and _keyfile)", e.getMessage());
    }

    @Test
    void aClusterOptionSetTwiceIsAnError() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse(NODE + "midge_cluster_node node-2\n", CONF));
        assertEquals(CONF + ":8: duplicate midge_cluster_node: already set at " + CONF + ":1", e.getMessage());
    }
}
