package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code max_qos} and {@code max_topic_alias} belong to the listener they follow, as in mosquitto. */
class ListenerLimitOptionsTest {

    @TempDir
    Path dir;

    @Test
    void eachListenerKeepsItsOwnMaxQosAndTopicAliasMaximum() throws IOException {
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), """
                listener 1883
                max_qos 1
                max_topic_alias 2
                listener 1884
                maximum_qos 0
                listener 1885
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        List<ListenerConfig> listeners = parsed.config().listeners();
        assertEquals(List.of(1, 0, 2), listeners.stream().map(l -> l.extras().maxQos()).toList());
        assertEquals(List.of(2, 10, 10), listeners.stream().map(ListenerConfig::maxTopicAlias).toList());
        assertEquals(List.of(), parsed.warnings());
    }

    @Test
    void mountPointBelongsToItsListenerAndMayNotHoldWildcards() throws IOException {
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), """
                listener 1883
                mount_point tenant1/
                listener 1884
                """);
        List<ListenerConfig> listeners = MosquittoConf.parse(conf).config().listeners();
        assertEquals("tenant1/", listeners.get(0).extras().mountPoint());
        assertEquals(null, listeners.get(0).extras().bindInterface());
        assertEquals(null, listeners.get(1).extras().mountPoint());

        Path bad = Files.writeString(dir.resolve("bad.conf"), "listener 1883\nmount_point tenant/+/\n");
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(bad));
        assertEquals(2, e.line());
    }

    @Test
    void bindInterfaceIsKeptWithItsLineForTheCliToResolve() throws IOException {
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "listener 1883\nbind_interface eth0\n");
        ListenerExtras extras = MosquittoConf.parse(conf).config().listeners().get(0).extras();
        assertEquals("eth0", extras.bindInterface());
        assertEquals(new ConfigLocation(conf, 2), extras.bindInterfaceAt());
    }

    @Test
    void maxQosOutsideZeroToTwoStopsStartUpAtItsLine() throws IOException {
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "listener 1883\nmax_qos 3\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(2, e.line());
    }
}
