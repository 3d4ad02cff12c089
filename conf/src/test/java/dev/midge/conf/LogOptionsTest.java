package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** log_timestamp, log_timestamp_format and connection_messages are read, not warned; a directive Midge cannot show stops start-up. */
class LogOptionsTest {

    @TempDir
    Path dir;

    private ParsedConf parse(String text) throws IOException {
        return MosquittoConf.parse(Files.writeString(dir.resolve("mosquitto.conf"), text));
    }

    @Test
    void timestampOptionsAreRead() throws IOException {
        ParsedConf parsed = parse("listener 1883\nlog_timestamp false\nlog_timestamp_format %Y-%m-%dT%H:%M:%S %%\n");
        assertEquals(new LogOptions(false, "%Y-%m-%dT%H:%M:%S %%"), parsed.config().log());
        assertEquals(List.of(), parsed.warnings());
        assertEquals(LogOptions.DEFAULT, parse("listener 1883\n").config().log());
    }

    @Test
    void connectionMessagesIsReadNotWarned() throws IOException {
        ParsedConf parsed = parse("listener 1883\nconnection_messages false\n");
        assertEquals(false, parsed.config().log().connectionMessages());
        assertEquals(List.of(), parsed.warnings());
        assertTrue(parse("listener 1883\n").config().log().connectionMessages());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("listener 1883\nconnection_messages maybe\n"));
        assertEquals(2, e.line());
    }

    @Test
    void websocketsLogLevelIsReadNotWarned() throws IOException {
        ParsedConf parsed = parse("listener 1883\nwebsockets_log_level 255\n");
        assertEquals(255, parsed.config().log().websocketsLogLevel());
        assertEquals(List.of(), parsed.warnings());
        assertEquals(0, parse("listener 1883\n").config().log().websocketsLogLevel());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("listener 1883\nwebsockets_log_level -1\n"));
        assertEquals(2, e.line());
    }

    @Test
    void websocketsHeadersSizeIsReadWithinMosquittosBounds() throws IOException {
        ParsedConf parsed = parse("listener 1883\nwebsockets_headers_size 16384\n");
        assertEquals(16384, parsed.config().websocketsHeadersSize());
        assertEquals(List.of(), parsed.warnings());
        assertEquals(0, parse("listener 1883\n").config().websocketsHeadersSize());
        ConfigException e = assertThrows(ConfigException.class, () -> parse("listener 1883\nwebsockets_headers_size 65536\n"));
        assertEquals(2, e.line());
    }

    @Test
    void anUnsupportedDirectiveStopsStartUpAtItsLine() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> parse("listener 1883\nlog_timestamp_format %s\n"));
        assertEquals(2, e.line());
        assertTrue(e.reason().contains("%s is not supported"), e.reason());
    }
}
