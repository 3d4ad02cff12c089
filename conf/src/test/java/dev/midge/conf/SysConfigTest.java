package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sys_interval} as mosquitto reads it, and Midge's {@code midge_metrics_listener}. */
class SysConfigTest {

    private static final Path CONF = Path.of("sys.conf");

    private static ParsedConf parse(String text) {
        return MosquittoConf.parse(text, CONF);
    }

    @Test
    void sysIntervalDefaultsToTenAndMetricsAreOff() {
        ParsedConf parsed = parse("listener 1883\n");
        assertEquals(SysConfig.DEFAULT, parsed.config().sys());
        assertEquals(10, parsed.config().sys().sysInterval());
    }

    @Test
    void sysIntervalIsHonouredNotWarned() {
        ParsedConf parsed = parse("listener 1883\nsys_interval 0\n");
        assertEquals(0, parsed.config().sys().sysInterval());
        assertTrue(parsed.warnings().isEmpty(), parsed.warnings().toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            sys_interval -1      | sys.conf:2: sys_interval must be between 0 and 65535, not -1
            sys_interval 65536   | sys.conf:2: sys_interval must be between 0 and 65535, not 65536
            """)
    void sysIntervalOutOfMosquittosRangeStopsStartUp(String line, String message) {
        assertEquals(message, assertThrows(ConfigException.class, () -> parse("listener 1883\n" + line + "\n")).getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            9100             | 127.0.0.1 | 9100
            0.0.0.0:9100     | 0.0.0.0   | 9100
            metrics.lan:9200 | metrics.lan | 9200
            [::1]:9100       | ::1       | 9100
            """)
    void metricsListenerTakesAPortOrAnAddressAndPort(String value, String host, int port) {
        SysConfig sys = parse("listener 1883\nmidge_metrics_listener " + value + "\n").config().sys();
        assertEquals(host, sys.metricsHost());
        assertEquals(port, sys.metricsPort());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            0             | sys.conf:2: '0' is not a valid midge_metrics_listener; use PORT (1-65535) for 127.0.0.1, or ADDRESS:PORT, e.g. 0.0.0.0:9100
            host:         | sys.conf:2: 'host:' is not a valid midge_metrics_listener; use PORT (1-65535) for 127.0.0.1, or ADDRESS:PORT, e.g. 0.0.0.0:9100
            :9100         | sys.conf:2: ':9100' names no address; give ADDRESS:PORT, or only PORT for 127.0.0.1
            ::1:9100      | sys.conf:2: '::1:9100': write an IPv6 address in brackets, e.g. [::1]:9100
            """)
    void badMetricsListenerStopsStartUpAtItsLine(String value, String message) {
        assertEquals(message, assertThrows(ConfigException.class,
                () -> parse("listener 1883\nmidge_metrics_listener " + value + "\n")).getMessage());
    }

    @Test
    void secondMetricsListenerIsAnError() {
        assertEquals("sys.conf:3: duplicate midge_metrics_listener: already set at sys.conf:2",
                assertThrows(ConfigException.class, () -> parse(
                        "listener 1883\nmidge_metrics_listener 9100\nmidge_metrics_listener 9200\n")).getMessage());
    }
}
