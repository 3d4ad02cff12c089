package dev.midge.conf;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which listener an option belongs to, and per_listener_settings, as in mosquitto 2.0. */
class ListenerScopingTest {

    private static final Path CONF = Path.of("scoping.conf");

    @Test
    void withoutPerListenerSettingsSecurityOptionsAreGlobalWhereverTheyAppear() {
        BrokerConfig config = MosquittoConf.parse("""
                listener 1883 127.0.0.1
                allow_anonymous true
                listener 8883
                password_file /etc/mosquitto/passwd
                psk_file /etc/mosquitto/psk
                acl_file /etc/mosquitto/acl
                """, CONF).config();

        SecurityConfig expected = new SecurityConfig(true, Path.of("/etc/mosquitto/acl"), Path.of("/etc/mosquitto/passwd"));
        assertFalse(config.perListenerSettings());
        assertEquals(expected, config.security());
        for (ListenerConfig listener : config.listeners()) {
            assertEquals(expected, listener.security());
            assertEquals(Path.of("/etc/mosquitto/psk"), listener.tls().pskFile());
        }
    }

    @Test
    void withoutPerListenerSettingsASecondAclFileIsADuplicateEvenInAnotherListener() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 1883
                acl_file /a
                listener 8883
                acl_file /b
                """, CONF));

        assertEquals("scoping.conf:4: duplicate acl_file: already set at scoping.conf:2", e.getMessage());
    }

    @Test
    void withPerListenerSettingsEachListenerHasItsOwnSecurity() {
        BrokerConfig config = MosquittoConf.parse("""
                per_listener_settings true
                listener 1883 127.0.0.1
                allow_anonymous true
                listener 8883
                allow_anonymous false
                password_file /b/passwd
                acl_file /b/acl
                listener 9883
                """, CONF).config();

        assertTrue(config.perListenerSettings());
        List<ListenerConfig> listeners = config.listeners();
        assertEquals(new SecurityConfig(true, null, null), listeners.get(0).security());
        assertEquals(new SecurityConfig(false, Path.of("/b/acl"), Path.of("/b/passwd")), listeners.get(1).security());
        assertEquals(SecurityConfig.NONE, listeners.get(2).security());
        assertTrue(listeners.get(2).security().allowAnonymousIfSet().isEmpty());
        assertFalse(listeners.get(2).security().allowAnonymousOr(false));
        assertEquals(SecurityConfig.NONE, config.security());
    }

    @Test
    void perListenerSettingsAfterASecurityOptionIsAnError() {
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse("""
                listener 1883
                allow_anonymous true
                per_listener_settings true
                """, CONF));

        assertEquals("scoping.conf:3: per_listener_settings must be set before any other security option "
                + "(the first is at scoping.conf:2)", e.getMessage());
    }

    @Test
    void perListenerSettingsOnceTrueStaysTrue() {
        ParsedConf parsed = MosquittoConf.parse("""
                per_listener_settings true
                per_listener_settings false
                listener 1883
                acl_file /a
                """, CONF);

        assertTrue(parsed.config().perListenerSettings());
        assertEquals(Path.of("/a"), parsed.config().listeners().get(0).security().aclFile());
        assertEquals(List.of(new ConfigWarning(CONF, 2,
                "per_listener_settings is already true and cannot be turned off; ignored")), parsed.warnings());
    }

    @Test
    void legacyPortMakesTheDefaultListenerWhichGetsTheOptionsBeforeAnyListenerAndComesLast() {
        BrokerConfig config = MosquittoConf.parse("""
                certfile /default.crt
                port 8883
                bind_address 10.0.0.1
                listener 1883
                max_connections 5
                port 8884
                protocol websockets
                """, CONF).config();

        List<ListenerConfig> listeners = config.listeners();
        assertEquals(2, listeners.size());
        ListenerConfig explicit = listeners.get(0);
        assertEquals(1883, explicit.port());
        assertEquals(5, explicit.maxConnections());
        assertEquals(ListenerConfig.Protocol.WEBSOCKETS, explicit.protocol(), "port does not change the scope");
        assertFalse(explicit.isTls());
        ListenerConfig legacy = listeners.get(1);
        assertEquals(8884, legacy.port());
        assertEquals("10.0.0.1", legacy.bindAddress());
        assertEquals(ListenerConfig.Protocol.MQTT, legacy.protocol());
        assertEquals(Path.of("/default.crt"), legacy.tls().certfile());
        assertEquals(new ConfigLocation(CONF, 2), legacy.declaredAt());
    }

    @Test
    void bindAddressAloneMakesTheDefaultListenerOnPort1883() {
        BrokerConfig config = MosquittoConf.parse("bind_address localhost\n", CONF).config();

        assertEquals(1, config.listeners().size());
        assertEquals(1883, config.listeners().get(0).port());
        assertEquals("localhost", config.listeners().get(0).bindAddress());
        assertFalse(config.localOnly());
    }

    @Test
    void listenerOptionsWithoutAnyListenerOrPortMakeTheDefaultListenerOn1883AsMosquittoDoes() {
        BrokerConfig config = MosquittoConf.parse("max_connections 100\n", CONF).config();

        assertEquals(1, config.listeners().size());
        assertEquals(1883, config.listeners().get(0).port());
        assertEquals(100, config.listeners().get(0).maxConnections());
        assertEquals(new ConfigLocation(CONF, 1), config.listeners().get(0).declaredAt());
        assertTrue(config.localOnly(), "mosquitto stays in local-only mode without listener/port/bind_address");
    }

    @Test
    void optionsBeforeTheFirstListenerWithoutPortAreIgnoredWithAWarning() {
        ParsedConf parsed = MosquittoConf.parse("""
                # a common mistake: TLS options above the listener they were meant for
                cafile /ca.crt
                certfile /server.crt
                listener 8883
                """, CONF);

        assertEquals(1, parsed.config().listeners().size());
        assertNull(parsed.config().listeners().get(0).tls().cafile());
        assertEquals(List.of(new ConfigWarning(CONF, 2, "options before the first 'listener' configure the default "
                + "listener, which is not started without 'port'; they are ignored")), parsed.warnings());
    }

    @Test
    void withPerListenerSettingsSecurityBeforeAnyListenerBelongsToTheDefaultListener() {
        BrokerConfig config = MosquittoConf.parse("""
                per_listener_settings true
                port 1883
                allow_anonymous true
                listener 8883
                password_file /passwd
                """, CONF).config();

        ListenerConfig explicit = config.listeners().get(0);
        ListenerConfig legacy = config.listeners().get(1);
        assertEquals(new SecurityConfig(null, null, Path.of("/passwd")), explicit.security());
        assertEquals(new SecurityConfig(true, null, null), legacy.security());
    }

    @Test
    void tlsOptionsAreScopedToTheirListener() {
        BrokerConfig config = MosquittoConf.parse("""
                listener 8883
                certfile /a.crt
                keyfile /a.key
                require_certificate true
                midge_crl_expired_warn_only true
                listener 8884
                certfile /b.crt
                keyfile /b.key
                """, CONF).config();

        TlsOptions a = config.listeners().get(0).tls();
        TlsOptions b = config.listeners().get(1).tls();
        assertTrue(a.requireCertificate());
        assertTrue(a.crlExpiredWarnOnly());
        assertFalse(b.requireCertificate());
        assertFalse(b.crlExpiredWarnOnly());
        assertEquals(Path.of("/b.crt"), b.certfile());
        assertEquals(new ConfigLocation(CONF, 6), config.listeners().get(1).declaredAt());
    }
}
