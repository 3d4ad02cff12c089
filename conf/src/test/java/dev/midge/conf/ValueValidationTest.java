package dev.midge.conf;

import dev.midge.conf.BrokerConfig.LogDestination;
import dev.midge.conf.BrokerConfig.LogType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every value is checked at parse time; a bad one stops start-up with file:line: reason. */
class ValueValidationTest {

    private static final Path CONF = Path.of("/etc/mosquitto/mosquitto.conf");

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            port 0                           | port must be between 1 and 65535, not 0
            port 65536                       | port must be between 1 and 65535, not 65536
            port 18x83                       | port must be a whole number, not '18x83'
            port 1883 8883                   | unexpected '8883' after the value of port
            listener 70000                   | listener port must be between 0 and 65535, not 70000
            listener abc                     | listener port must be a whole number, not 'abc'
            listener 0                       | listener 0 is a unix socket listener and needs a socket path
            listener 1883 0.0.0.0 extra      | unexpected 'extra' after the listener's bind address
            allow_anonymous yes              | 'yes' is not a valid value for allow_anonymous; use true or false
            require_certificate TRUE         | 'TRUE' is not a valid value for require_certificate; use true or false
            per_listener_settings on         | 'on' is not a valid value for per_listener_settings; use true or false
            tls_version tlsv1.1              | TLS 1.1 is not supported; use tlsv1.2 or tlsv1.3
            tls_version tlsv1                | TLS 1.0 is not supported; use tlsv1.2 or tlsv1.3
            tls_version sslv3                | 'sslv3' is not a valid tls_version; use tlsv1.2 or tlsv1.3
            tls_keyform der                  | 'der' is not a valid value for tls_keyform; use pem or engine
            protocol mqttsn                  | 'mqttsn' is not a valid value for protocol; use mqtt or websockets
            socket_domain ipv5               | 'ipv5' is not a valid value for socket_domain; use ipv4 or ipv6
            max_connections lots             | max_connections must be a whole number, not 'lots'
            max_topic_alias 65536            | max_topic_alias must be between 0 and 65535, not 65536
            message_size_limit 268435456     | message_size_limit must be between 0 and 268435455, not 268435456
            message_size_limit -1            | message_size_limit must be between 0 and 268435455, not -1
            max_inflight_messages 65536      | max_inflight_messages must be at most 65535, not 65536
            max_inflight_messages twenty     | max_inflight_messages must be a whole number, not 'twenty'
            max_queued_messages 1e3          | max_queued_messages must be a whole number, not '1e3'
            max_queued_bytes 10MB            | max_queued_bytes must be a whole number, not '10MB'
            max_keepalive 65536              | max_keepalive must be between 10 and 65535, not 65536
            max_keepalive 5                  | max_keepalive must be between 10 and 65535, not 5
            autosave_interval 30m            | autosave_interval must be a whole number, not '30m'
            persistence maybe                | 'maybe' is not a valid value for persistence; use true or false
            retain_available 2               | '2' is not a valid value for retain_available; use true or false
            log_type verbose                 | 'verbose' is not a valid value for log_type; use debug, error, warning, notice, information, subscribe, unsubscribe, websockets or internal
            log_dest console                 | 'console' is not a valid value for log_dest; use stdout, stderr, file PATH, syslog, topic, dlt or none
            log_dest file                    | log_dest file needs a file name
            midge_crl_expired_warn_only ok   | 'ok' is not a valid value for midge_crl_expired_warn_only; use true or false
            midge_enrollment_port 65536      | midge_enrollment_port must be between 0 and 65535, not 65536
            midge_clientid_binding strict    | 'strict' is not a valid value for midge_clientid_binding; use none, equal or prefix
            midge_clientid_takeover yes      | 'yes' is not a valid value for midge_clientid_takeover; use username or any
            use_username_as_clientid on      | 'on' is not a valid value for use_username_as_clientid; use true or false
            midge_enrollment_bind 127.0.0.1 x | unexpected 'x' after the value of midge_enrollment_bind
            midge_max_topic_levels -1        | midge_max_topic_levels must be between 0 and 65535, not -1
            """)
    void invalidValueStopsStartUpNamingFileLineAndCause(String line, String reason) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("# header\n" + line + "\n", CONF));

        assertEquals(CONF + ":2: " + reason, e.getMessage());
        assertEquals(reason, e.reason());
        assertEquals(2, e.line());
    }

    @Test
    void clientIdOptionsAreReadAndUseUsernameAsClientIdAppliesToItsListener() {
        ParsedConf parsed = MosquittoConf.parse("""
                midge_clientid_binding prefix
                midge_clientid_takeover any
                listener 1883
                use_username_as_clientid true
                listener 1884
                """, CONF);

        assertEquals(BrokerConfig.ClientIdBinding.PREFIX, parsed.config().clientIdBinding());
        assertEquals(BrokerConfig.ClientIdTakeover.ANY, parsed.config().clientIdTakeover());
        assertTrue(parsed.config().listeners().get(0).useUsernameAsClientId());
        assertFalse(parsed.config().listeners().get(1).useUsernameAsClientId());
        assertEquals(java.util.List.of(), parsed.warnings(), "use_username_as_clientid is no longer ignored");
    }

    @Test
    void clientIdsAreUnboundAndOwnedByTheirUsernameByDefault() {
        BrokerConfig config = MosquittoConf.parse("listener 1883\n", CONF).config();
        assertEquals(BrokerConfig.ClientIdBinding.NONE, config.clientIdBinding());
        assertEquals(BrokerConfig.ClientIdTakeover.USERNAME, config.clientIdTakeover());
        assertFalse(config.listeners().get(0).useUsernameAsClientId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"port", "listener", "acl_file", "cafile", "allow_anonymous", "log_dest", "log_type",
            "include_dir", "connection", "sys_interval", "user", "midge_crl_expired_warn_only"})
    void optionWithoutValueIsAnError(String option) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\n" + option + "   \n", CONF));

        assertEquals(CONF + ":2: option '" + option + "' needs a value", e.getMessage());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            acl_file /a                 | acl_file /b
            password_file /a            | password_file /b
            persistence_location /a     | persistence_location /b
            pid_file /a                 | pid_file /b
            user mosquitto              | user nobody
            cafile /a                   | cafile /b
            certfile /a                 | certfile /b
            keyfile /a                  | keyfile /b
            crlfile /a                  | crlfile /b
            tls_version tlsv1.2         | tls_version tlsv1.3
            bind_address 127.0.0.1      | bind_address ::1
            log_dest file /a.log        | log_dest file /b.log
            """)
    void secondValueForSingleValuedFileOptionIsAnErrorAsInMosquitto(String first, String second) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> MosquittoConf.parse("listener 1883\n" + first + "\n" + second + "\n", CONF));

        String option = second.startsWith("log_dest") ? "log_dest file" : second.split(" ")[0];
        assertEquals(CONF + ":3: duplicate " + option + ": already set at " + CONF + ":2", e.getMessage());
    }

    @Test
    void repeatedNumbersAndBooleansLastOneWins() {
        BrokerConfig config = MosquittoConf.parse("""
                listener 1883
                max_connections 5
                max_connections 7
                allow_anonymous false
                allow_anonymous true
                max_queued_messages 10
                max_queued_messages 20
                """, CONF).config();

        assertEquals(7, config.listeners().get(0).maxConnections());
        assertEquals(Boolean.TRUE, config.security().allowAnonymous());
        assertEquals(20, config.maxQueuedMessages());
    }

    @Test
    void repeatedPortLastOneWinsWithAWarning() {
        ParsedConf parsed = MosquittoConf.parse("port 1883\nport 8883\n", CONF);

        assertEquals(8883, parsed.config().listeners().get(0).port());
        assertEquals(java.util.List.of(new ConfigWarning(CONF, 2,
                "port is set more than once (also at " + CONF + ":1); the last one, 8883, is used")), parsed.warnings());
    }

    @Test
    void validValuesAreReadAsMosquittoReadsThem() {
        ParsedConf parsed = MosquittoConf.parse("""
                listener 8883 0.0.0.0  # TLS for devices
                protocol websockets
                socket_domain ipv4
                max_connections -5
                max_topic_alias 0
                certfile /etc/ssl/server.crt
                keyfile /etc/ssl/server.key
                tls_version tlsv1.3
                ciphers ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384
                ciphers_tls1.3 TLS_AES_256_GCM_SHA384
                capath /etc/ssl/certs
                require_certificate 1
                use_subject_as_username true
                tls_keyform pem
                tls_keylog /tmp/keys.log
                midge_crl_expired_warn_only true
                message_size_limit 268435455
                max_inflight_messages 65535
                max_queued_messages -1
                max_queued_bytes 10000000000
                max_keepalive 60
                retain_available false
                retained_persistence true
                autosave_interval -10
                user midge
                log_type error
                log_type warning subscribe
                log_dest stdout topic
                log_dest file /var/log/midge broker.log
                """, CONF);
        BrokerConfig config = parsed.config();
        assertEquals(java.util.List.of(new ConfigWarning(CONF, 24, "autosave_interval has no effect: with persistence "
                        + "Midge commits every message before acknowledging it, so nothing waits for a periodic save")),
                parsed.warnings());

        ListenerConfig listener = config.listeners().get(0);
        assertEquals("0.0.0.0", listener.bindAddress());
        assertEquals(ListenerConfig.Protocol.WEBSOCKETS, listener.protocol());
        assertEquals(ListenerConfig.SocketDomain.IPV4, listener.socketDomain());
        assertEquals(-1, listener.maxConnections());
        assertEquals(0, listener.maxTopicAlias());
        TlsOptions tls = listener.tls();
        assertTrue(tls.enabled());
        assertEquals("tlsv1.3", tls.tlsVersion());
        assertEquals("ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384", tls.ciphers());
        assertEquals("TLS_AES_256_GCM_SHA384", tls.ciphersTls13());
        assertEquals(Path.of("/etc/ssl/certs"), tls.capath());
        assertTrue(tls.requireCertificate());
        assertTrue(tls.useSubjectAsUsername());
        assertEquals("pem", tls.keyform());
        assertEquals(Path.of("/tmp/keys.log"), tls.tlsKeylog());
        assertTrue(tls.crlExpiredWarnOnly());
        assertEquals(0, config.enrollmentPort(), "enrollment is off by default");
        assertNull(config.enrollmentBind(), "enrollment listens on every interface by default");
        assertEquals(200, config.maxTopicLevels(), "mosquitto's limit by default");
        assertEquals(268435455, config.messageSizeLimit());
        assertEquals(0, config.maxInflightMessages(), "65535 means no limit in mosquitto");
        assertEquals(0, config.maxQueuedMessages());
        assertEquals(10_000_000_000L, config.maxQueuedBytes());
        assertEquals(60, config.maxKeepalive());
        assertFalse(config.retainAvailable());
        assertTrue(config.persistence());
        assertEquals(0, config.autosaveInterval());
        assertEquals("midge", config.user());
        assertEquals(EnumSet.of(LogType.ERROR, LogType.WARNING, LogType.SUBSCRIBE), config.logTypes());
        assertEquals(Set.of(LogDestination.STDOUT, LogDestination.TOPIC, LogDestination.FILE), config.logDestinations());
        assertEquals(Path.of("/var/log/midge broker.log"), config.logFile());
    }

    @Test
    void enrollmentBindAddressIsKeptAsWritten() {
        BrokerConfig config = MosquittoConf.parse("midge_enrollment_port 8443\nmidge_enrollment_bind 127.0.0.1 # proxy\n",
                CONF).config();
        assertEquals("127.0.0.1", config.enrollmentBind());
    }

    @Test
    void logTypeNoneAndAllAndLogDestNone() {
        BrokerConfig all = MosquittoConf.parse("log_type none\nlog_type all\nlog_dest none\n", CONF).config();
        BrokerConfig none = MosquittoConf.parse("log_type all\nlog_type none\n", CONF).config();

        assertEquals(EnumSet.allOf(LogType.class), all.logTypes());
        assertEquals(Set.of(), all.logDestinations());
        assertNull(all.logFile());
        assertEquals(Set.of(), none.logTypes());
    }

    @Test
    void windowsLineEndingsTabsAndIndentedCommentsAreAccepted() {
        BrokerConfig config = MosquittoConf.parse(
                "listener\t1883\r\n    # indented comment\r\n\tmax_connections  12 \r\n", CONF).config();

        assertEquals(1883, config.listeners().get(0).port());
        assertEquals(12, config.listeners().get(0).maxConnections());
    }

    @Test
    void maxTopicLevelsIsAGlobalNumberWithZeroForNoLimit() throws Exception {
        assertEquals(50, MosquittoConf.parse("midge_max_topic_levels 50\nlistener 1883\n", CONF).config().maxTopicLevels());
        assertEquals(0, MosquittoConf.parse("listener 1883\nmidge_max_topic_levels 0\n", CONF).config().maxTopicLevels());
        assertEquals(200, MosquittoConf.parse("listener 1883\n", CONF).config().maxTopicLevels());
    }
}
