package dev.midge.conf;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** allow_zero_length_clientid and auto_id_prefix: security options, scoped by per_listener_settings. */
class ClientIdAssignmentOptionsTest {

    private static final Path CONF = Path.of("ids.conf");

    @Test
    void defaultsAreMosquittos() {
        BrokerConfig config = MosquittoConf.parse("listener 1883\n", CONF).config();
        assertTrue(config.listeners().get(0).security().allowZeroLengthClientId());
        assertEquals("auto-", config.listeners().get(0).security().autoIdPrefix());
    }

    @Test
    void withoutPerListenerSettingsTheyApplyToEveryListenerWithoutAWarning() {
        ParsedConf parsed = MosquittoConf.parse("""
                listener 1883
                allow_zero_length_clientid false
                listener 8883
                auto_id_prefix plant 7-
                """, CONF);
        for (ListenerConfig listener : parsed.config().listeners()) {
            assertFalse(listener.security().allowZeroLengthClientId());
            assertEquals("plant 7-", listener.security().autoIdPrefix());
        }
        assertTrue(parsed.warnings().stream().noneMatch(w -> w.toString().contains("clientid")
                || w.toString().contains("auto_id_prefix")), parsed.warnings().toString());
    }

    @Test
    void withPerListenerSettingsEachListenerHasItsOwn() {
        List<ListenerConfig> listeners = MosquittoConf.parse("""
                per_listener_settings true
                listener 1883
                allow_zero_length_clientid false
                listener 8883
                auto_id_prefix b-
                """, CONF).config().listeners();
        assertFalse(listeners.get(0).security().allowZeroLengthClientId());
        assertEquals("auto-", listeners.get(0).security().autoIdPrefix());
        assertTrue(listeners.get(1).security().allowZeroLengthClientId());
        assertEquals("b-", listeners.get(1).security().autoIdPrefix());
    }

    @Test
    void aBadValueStopsStartUpWithFileAndLine() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\nallow_zero_length_clientid maybe\n", CONF));
        assertTrue(e.getMessage().startsWith("ids.conf:2: "), e.getMessage());
    }

    @Test
    void aPrefixWithAControlCharacterStopsStartUp() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\nauto_id_prefix a\u0007b\n", CONF));
        assertEquals("ids.conf:2: auto_id_prefix contains a control character", e.getMessage());
    }
}
