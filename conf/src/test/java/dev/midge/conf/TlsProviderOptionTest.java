package dev.midge.conf;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** midge_tls_provider jdk|openssl: per certificate listener, the JDK's by default. */
class TlsProviderOptionTest {

    private static final Path CONF = Path.of("/etc/midge/provider.conf");

    @Test
    void providerIsPerListenerAndTheJdksByDefault() {
        BrokerConfig config = MosquittoConf.parse("""
                listener 8883
                certfile /a.crt
                keyfile /a.key
                midge_tls_provider openssl
                listener 8884
                certfile /b.crt
                keyfile /b.key
                listener 8885
                certfile /c.crt
                keyfile /c.key
                midge_tls_provider jdk
                """, CONF).config();

        assertEquals(TlsOptions.Provider.OPENSSL, config.listeners().get(0).tls().provider());
        assertEquals(TlsOptions.Provider.JDK, config.listeners().get(1).tls().provider());
        assertEquals(TlsOptions.Provider.JDK, config.listeners().get(2).tls().provider());
    }

    @Test
    void badValueStopsStartUpAtItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 8883
                certfile /a.crt
                keyfile /a.key
                midge_tls_provider boringssl
                """, CONF));
        assertEquals(CONF + ":4: 'boringssl' is not a valid value for midge_tls_provider; use jdk or openssl",
                e.getMessage());
    }

    @Test
    void opensslOnAPlainListenerIsRefusedNotDropped() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 1883
                midge_tls_provider openssl
                """, CONF));
        assertEquals(2, e.line());
        assertTrue(e.reason().startsWith("midge_tls_provider cannot be honoured: this listener has no certfile"),
                e.getMessage());
    }

    @Test
    void opensslOnATlsPskListenerIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                psk_file /etc/midge/psk
                listener 8884
                psk_hint midge
                midge_tls_provider openssl
                """, CONF));
        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("midge_tls_provider openssl cannot be honoured on a TLS-PSK listener"),
                e.getMessage());
    }

    @Test
    void opensslWithAKeyInATokenIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 8883
                certfile /a.crt
                tls_engine pkcs11
                tls_keyform engine
                keyfile pkcs11:token=midge;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234
                midge_tls_provider openssl
                """, CONF));
        assertEquals(6, e.line());
        assertTrue(e.reason().startsWith("midge_tls_provider openssl cannot be honoured with keyform engine"),
                e.getMessage());
    }

    private static final TlsProviderDefault OPENSSL_BY_SWITCH =
            new TlsProviderDefault(TlsOptions.Provider.OPENSSL, "MIDGE_TLS_PROVIDER=openssl");

    @Test
    void theRunSwitchMovesEveryCertificateListenerWithoutItsOwnLine() {
        BrokerConfig config = MosquittoConf.parse("""
                psk_file /etc/midge/psk
                listener 8883
                certfile /a.crt
                keyfile /a.key
                listener 8884
                certfile /b.crt
                keyfile /b.key
                midge_tls_provider jdk
                listener 8885
                psk_hint midge
                listener 1883
                """, CONF, OPENSSL_BY_SWITCH).config();

        assertEquals(TlsOptions.Provider.OPENSSL, config.listeners().get(0).tls().provider());
        assertEquals(TlsOptions.Provider.JDK, config.listeners().get(1).tls().provider(), "the conf line wins");
        assertEquals(TlsOptions.Provider.JDK, config.listeners().get(2).tls().provider(), "TLS-PSK stays on BouncyCastle");
        assertEquals(TlsOptions.Provider.JDK, config.listeners().get(3).tls().provider(), "plain MQTT has no TLS");
    }

    @Test
    void theRunSwitchOnAListenerWithAKeyInATokenIsRefusedNotIgnored() {
        String conf = """
                listener 8883
                certfile /a.crt
                tls_engine pkcs11
                tls_keyform engine
                keyfile pkcs11:token=midge;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-value=1234
                """;
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf, CONF, OPENSSL_BY_SWITCH));
        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("MIDGE_TLS_PROVIDER=openssl cannot be honoured for this listener with keyform "
                + "engine"), e.getMessage());
        assertTrue(e.reason().endsWith("add midge_tls_provider jdk to this listener's block"), e.getMessage());

        BrokerConfig kept = MosquittoConf.parse(conf + "midge_tls_provider jdk\n", CONF, OPENSSL_BY_SWITCH).config();
        assertEquals(TlsOptions.Provider.JDK, kept.listeners().get(0).tls().provider());
    }

    @Test
    void aBadSwitchValueNamesWhereItCameFrom() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TlsProviderDefault.parse("boringssl", "MIDGE_TLS_PROVIDER=boringssl"));
        assertEquals("MIDGE_TLS_PROVIDER=boringssl: 'boringssl' is not a TLS provider; use jdk or openssl", e.getMessage());
    }
}
