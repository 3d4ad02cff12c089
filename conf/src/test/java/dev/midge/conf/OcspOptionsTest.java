package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** midge_ocsp_port, midge_ocsp_url (global), midge_ocsp_check (per listener), and bridge_require_ocsp. */
class OcspOptionsTest {

    private static final Path CONF = Path.of("/etc/midge/ocsp.conf");

    @Test
    void responderOptionsAreReadAndOffByDefault() {
        BrokerConfig set = MosquittoConf.parse("""
                midge_ocsp_port 8080
                midge_ocsp_url http://ca.example.com:8080/ocsp
                listener 1883
                """, CONF).config();
        assertEquals(8080, set.ocspPort());
        assertEquals("http://ca.example.com:8080/ocsp", set.ocspUrl());

        BrokerConfig unset = MosquittoConf.parse("listener 1883\n", CONF).config();
        assertEquals(0, unset.ocspPort());
        assertEquals(null, unset.ocspUrl());
    }

    @Test
    void ocspCheckIsPerListenerAndOffByDefault() {
        BrokerConfig config = MosquittoConf.parse("""
                listener 8883
                certfile /a.crt
                keyfile /a.key
                cafile /ca.crt
                require_certificate true
                midge_ocsp_check fail-closed
                listener 8884
                certfile /b.crt
                keyfile /b.key
                cafile /ca.crt
                midge_ocsp_check fail-open
                listener 8885
                certfile /c.crt
                keyfile /c.key
                """, CONF).config();

        assertEquals(TlsOptions.OcspCheck.FAIL_CLOSED, config.listeners().get(0).tls().ocspCheck());
        assertEquals(TlsOptions.OcspCheck.FAIL_OPEN, config.listeners().get(1).tls().ocspCheck());
        assertEquals(TlsOptions.OcspCheck.OFF, config.listeners().get(2).tls().ocspCheck());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            midge_ocsp_check maybe                 | 'maybe' is not a valid value for midge_ocsp_check; use off, fail-open or fail-closed
            midge_ocsp_url ca.example.com/ocsp     | 'ca.example.com/ocsp' is not a valid midge_ocsp_url; use an http:// URL such as http://ca.example.com:8080/ocsp
            midge_ocsp_url ldap://ca/ocsp          | 'ldap://ca/ocsp' is not a valid midge_ocsp_url; use an http:// URL such as http://ca.example.com:8080/ocsp
            midge_ocsp_port 70000                  | midge_ocsp_port must be between 0 and 65535, not 70000
            """)
    void badValueStopsStartUpAtItsLine(String line, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("# x\n" + line + "\n", CONF));
        assertEquals(CONF + ":2: " + reason, e.getMessage());
    }

    @Test
    void ocspCheckOnAPlainListenerIsRefusedNotDropped() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 1883
                midge_ocsp_check fail-closed
                """, CONF));
        assertEquals(2, e.line());
        assertTrue(e.reason().startsWith("midge_ocsp_check cannot be honoured: this listener has no certfile"),
                e.getMessage());

        assertEquals(TlsOptions.OcspCheck.OFF, MosquittoConf.parse("listener 1883\nmidge_ocsp_check off\n", CONF)
                .config().listeners().get(0).tls().ocspCheck());
    }

    @Test
    void ocspCheckWithoutCafileIsRefusedBecauseNoCertificateWouldBeChecked() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 8883
                certfile /a.crt
                keyfile /a.key
                midge_ocsp_check fail-open
                """, CONF));
        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("midge_ocsp_check cannot be honoured without cafile or capath"), e.getMessage());
    }

    @Test
    void bridgeRequireOcspTrueCannotBeHonouredAndFalseIsAccepted() {
        ConfigException refused = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 1883
                connection upstream
                address broker.example.com:8883
                bridge_require_ocsp true
                """, CONF));
        assertEquals(4, refused.line());
        assertTrue(refused.reason().startsWith("bridge_require_ocsp cannot be honoured"), refused.getMessage());
        ParsedConf parsed = MosquittoConf.parse("""
                listener 1883
                connection upstream
                address broker.example.com:8883
                topic # out
                bridge_require_ocsp false
                """, CONF);
        assertEquals(List.of(), parsed.warnings());

        ConfigException outside = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\nbridge_require_ocsp true\n", CONF));
        assertEquals(CONF + ":2: option 'bridge_require_ocsp' belongs to a bridge and needs a 'connection' line "
                + "before it", outside.getMessage());
    }
}
