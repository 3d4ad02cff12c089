package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Options whose mosquitto meaning Midge already has, or cannot have, say so once, naming why. */
class NoEffectOptionsTest {

    @TempDir
    Path dir;

    @Test
    void setTcpNodelayTrueIsWhatMidgeDoesAndFalseIsWarned() throws IOException {
        assertEquals(List.of(), parse("listener 1883\nset_tcp_nodelay true\n").warnings());
        Path conf = dir.resolve("mosquitto.conf");
        assertEquals(List.of(new ConfigWarning(conf, 2, "set_tcp_nodelay false is ignored: Midge always sets "
                + "TCP_NODELAY (as mosquitto's set_tcp_nodelay true)")), parse("listener 1883\nset_tcp_nodelay false\n").warnings());
    }

    @Test
    void autosaveIntervalSaysWhyItHasNoEffect() throws IOException {
        List<ConfigWarning> warnings = parse("listener 1883\npersistence true\nautosave_interval 60\n").warnings();
        assertEquals(1, warnings.size());
        assertEquals(3, warnings.get(0).line());
        assertEquals(true, warnings.get(0).toString().contains("autosave_interval has no effect"));
    }

    @Test
    void maxPacketSizeIsReadAndBelowTwentyStopsStartUp() throws IOException {
        assertEquals(1000, parse("listener 1883\nmax_packet_size 1000\n").config().maxPacketSize());
        assertEquals(0, parse("listener 1883\n").config().maxPacketSize());
        assertEquals(2, org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
                () -> parse("listener 1883\nmax_packet_size 19\n")).line());
    }

    private ParsedConf parse(String text) throws IOException {
        return MosquittoConf.parse(Files.writeString(dir.resolve("mosquitto.conf"), text));
    }
}
