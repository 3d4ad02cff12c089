package dev.midge.conf;

import org.junit.jupiter.api.Test;

import java.util.List;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** max_inflight_bytes, queue_qos0_messages, upgrade_outgoing_qos, retry_interval and Midge's flow control. */
class QueueOptionsTest {

    private static final Path CONF = Path.of("queue.conf");

    @Test
    void defaultsAreMosquittos() {
        assertEquals(new QueueOptions(0, false, false, 1000), MosquittoConf.parse("listener 1883\n", CONF).config().queue());
    }

    @Test
    void theOptionsAreReadWithoutAWarning() {
        ParsedConf parsed = MosquittoConf.parse("""
                listener 1883
                max_inflight_bytes 4096
                queue_qos0_messages true
                upgrade_outgoing_qos true
                midge_max_publisher_pause_ms 0
                """, CONF);
        assertEquals(new QueueOptions(4096, true, true, 0), parsed.config().queue());
        assertTrue(parsed.warnings().isEmpty(), parsed.warnings().toString());
    }

    @Test
    void aNegativeMaxInflightBytesMeansNoLimitAsInMosquitto() {
        assertEquals(0, MosquittoConf.parse("max_inflight_bytes -5\n", CONF).config().queue().maxInflightBytes());
    }

    @Test
    void retryIntervalIsWarnedAsObsoleteAsMosquittoDoes() {
        ParsedConf parsed = MosquittoConf.parse("listener 1883\nretry_interval 20\n", CONF);
        assertEquals(1, parsed.warnings().size(), parsed.warnings().toString());
        String warning = parsed.warnings().get(0).toString();
        assertTrue(warning.contains("queue.conf:2") && warning.contains("retry_interval is obsolete and ignored")
                && warning.contains("The retry_interval option is no longer available"), warning);
    }

    @Test
    void memoryLimitIsReadInBytesAndOffByDefault() {
        ParsedConf parsed = MosquittoConf.parse("listener 1883\nmemory_limit 1000000\nqueue_qos0_messages true\n", CONF);
        assertEquals(List.of(), parsed.warnings());
        assertEquals(1_000_000, parsed.config().queue().memoryLimit());
        assertTrue(parsed.config().queue().queueQos0Messages());
        assertEquals(0, MosquittoConf.parse("listener 1883\n", CONF).config().queue().memoryLimit());
    }

    @Test
    void badValuesStopStartUpWithFileAndLine() {
        for (String line : new String[] {"queue_qos0_messages maybe", "upgrade_outgoing_qos yes",
                "max_inflight_bytes lots", "midge_max_publisher_pause_ms -1", "memory_limit -1", "memory_limit 1k"}) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> MosquittoConf.parse("listener 1883\n" + line + "\n", CONF), line);
            assertTrue(e.getMessage().startsWith("queue.conf:2: "), e.getMessage());
        }
    }
}
