package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real mosquitto deployments' files parse unchanged. */
class MosquittoMigrationTest {

    @TempDir
    Path dir;

    @Test
    void mutualTlsDeploymentConfParsesIntoOneTlsListener() throws IOException {
        Path conf = write("mosquitto.conf", """
                port 8883
                cafile /path/ca.crt
                certfile /path/mosquitto.crt
                keyfile /path/mosquitto.key
                tls_version tlsv1.2
                require_certificate true
                use_identity_as_username true
                acl_file /path/access.acl
                crlfile /path/ca.crl
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(java.util.List.of(), parsed.warnings());
        BrokerConfig config = parsed.config();
        assertEquals(conf, config.source());
        assertFalse(config.localOnly());
        assertEquals(1, config.listeners().size());
        ListenerConfig listener = config.listeners().get(0);
        assertEquals(8883, listener.port());
        assertNull(listener.bindAddress());
        assertEquals(ListenerConfig.Protocol.MQTT, listener.protocol());
        assertEquals(new ConfigLocation(conf, 1), listener.declaredAt());
        TlsOptions tls = listener.tls();
        assertTrue(tls.enabled());
        assertEquals(Path.of("/path/ca.crt"), tls.cafile());
        assertEquals(Path.of("/path/mosquitto.crt"), tls.certfile());
        assertEquals(Path.of("/path/mosquitto.key"), tls.keyfile());
        assertEquals("tlsv1.2", tls.tlsVersion());
        assertTrue(tls.requireCertificate());
        assertTrue(tls.useIdentityAsUsername());
        assertFalse(tls.useSubjectAsUsername());
        assertEquals(Path.of("/path/ca.crl"), tls.crlfile());
        assertFalse(tls.crlExpiredWarnOnly());
        assertEquals(Path.of("/path/access.acl"), listener.security().aclFile());
        assertNull(listener.security().allowAnonymous(), "unset, so the CLI applies mosquitto 2.0's default");
        assertEquals(listener.security(), config.security());
    }

    @Test
    void debianPackageDefaultConfParses() {
        Path debian = Path.of("/etc/mosquitto/mosquitto.conf");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(debian), "mosquitto package installed");

        BrokerConfig config = MosquittoConf.parse(debian).config();

        assertTrue(config.listeners().isEmpty());
        assertTrue(config.localOnly());
        assertTrue(config.persistence());
        assertEquals(Path.of("/var/lib/mosquitto/"), config.persistenceLocation());
        assertEquals(Path.of("/run/mosquitto/mosquitto.pid"), config.pidFile());
        assertEquals(Set.of(BrokerConfig.LogDestination.FILE), config.logDestinations());
        assertEquals(Path.of("/var/log/mosquitto/mosquitto.log"), config.logFile());
    }

    @Test
    void debianShapedConfWithConfDReadsTheIncludedListeners() throws IOException {
        Path confD = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(confD.resolve("README"), "this is not a .conf file and is not read\n");
        Files.writeString(confD.resolve("listeners.conf"), """
                # local clients
                listener 1883 127.0.0.1
                allow_anonymous true

                listener 8883
                certfile /etc/mosquitto/certs/server.crt
                keyfile /etc/mosquitto/certs/server.key
                """);
        Path conf = write("mosquitto.conf", """
                # Place your local configuration in /etc/mosquitto/conf.d/
                #
                # A full description of the configuration file is at
                # /usr/share/doc/mosquitto/examples/mosquitto.conf.example

                pid_file /run/mosquitto/mosquitto.pid

                persistence true
                persistence_location /var/lib/mosquitto/

                log_dest file /var/log/mosquitto/mosquitto.log

                include_dir %s
                """.formatted(confD));

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(java.util.List.of(), parsed.warnings());
        BrokerConfig config = parsed.config();
        assertFalse(config.localOnly());
        assertEquals(2, config.listeners().size());
        assertEquals("127.0.0.1", config.listeners().get(0).bindAddress());
        assertFalse(config.listeners().get(0).isTls());
        assertTrue(config.listeners().get(1).isTls());
        assertEquals(Boolean.TRUE, config.security().allowAnonymous());
        assertEquals(new ConfigLocation(confD.resolve("listeners.conf"), 5), config.listeners().get(1).declaredAt());
    }

    @Test
    void emptyConfHasMosquittoDefaults() {
        BrokerConfig config = MosquittoConf.parse("# nothing\n\n", Path.of("empty.conf")).config();

        assertEquals(withSource(MosquittoConf.defaults()), config);
        assertTrue(config.listeners().isEmpty());
        assertTrue(config.localOnly());
        assertFalse(config.perListenerSettings());
        assertEquals(SecurityConfig.NONE, config.security());
        assertEquals(0, config.messageSizeLimit());
        assertEquals(20, config.maxInflightMessages());
        assertEquals(1000, config.maxQueuedMessages());
        assertEquals(0, config.maxQueuedBytes());
        assertEquals(65535, config.maxKeepalive());
        assertTrue(config.retainAvailable());
        assertFalse(config.persistence());
        assertNull(config.persistenceLocation());
        assertEquals(1800, config.autosaveInterval());
        assertEquals(Set.of(BrokerConfig.LogType.ERROR, BrokerConfig.LogType.WARNING, BrokerConfig.LogType.NOTICE,
                BrokerConfig.LogType.INFORMATION), config.logTypes());
        assertEquals(Set.of(BrokerConfig.LogDestination.STDERR), config.logDestinations());
        assertNull(config.logFile());
        assertNull(config.user());
        assertNull(config.pidFile());
    }

    @Test
    void relativePathsStayRelativeToTheWorkingDirectoryAsInMosquitto() {
        BrokerConfig config = MosquittoConf.parse("listener 8883\ncertfile certs/server.crt\nacl_file ./access.acl\n",
                dir.resolve("etc/mosquitto.conf")).config();

        assertEquals(Path.of("certs/server.crt"), config.listeners().get(0).tls().certfile());
        assertEquals(Path.of("./access.acl"), config.security().aclFile());
        assertFalse(config.security().aclFile().isAbsolute());
    }

    @Test
    void missingOrDirectoryConfIsAnErrorNamingTheFile() {
        Path missing = dir.resolve("nope.conf");

        assertEquals(missing + ": no such configuration file",
                assertThrows(ConfigException.class, () -> MosquittoConf.parse(missing)).getMessage());
        assertEquals(dir + ": is a directory, not a configuration file",
                assertThrows(ConfigException.class, () -> MosquittoConf.parse(dir)).getMessage());
    }

    @Test
    void malformedUtf8IsAnErrorAtItsLine() throws IOException {
        Path conf = Files.write(dir.resolve("latin1.conf"),
                "listener 1883\npassword_file /etc/m\u00f6squitto/passwd\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertEquals(conf + ":2: malformed UTF-8",
                assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf)).getMessage());
    }

    private static BrokerConfig withSource(BrokerConfig c) {
        return new BrokerConfig(Path.of("empty.conf"), c.listeners(), c.localOnly(), c.perListenerSettings(),
                c.security(), c.messageSizeLimit(), c.maxInflightMessages(), c.maxQueuedMessages(),
                c.maxQueuedBytes(), c.maxKeepalive(), c.retainAvailable(), c.persistence(),
                c.persistenceLocation(), c.autosaveInterval(), c.logTypes(), c.logDestinations(), c.logFile(),
                c.user(), c.userAt(), c.pidFile(), c.enrollmentPort(), c.enrollmentBind(), c.clientIdBinding(),
                c.clientIdTakeover(), c.maxTopicLevels(), c.ocspPort(), c.ocspUrl(), c.queue(), c.sys(), c.access(),
                c.persistentClientExpiration(), c.maxPacketSize(), c.log(), c.bridges(), c.cluster(),
                c.websocketsHeadersSize());
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }
}
