package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Options Midge cannot honour and whose loss would weaken security refuse the configuration at
 * their line, rather than start a broker with less protection than the file asks for.
 */
class UnhonouredSecurityOptionsTest {

    @TempDir
    Path dir;

    @Test
    void pskListenerWithoutCertfileIsRefusedRatherThanServedInPlaintext() throws IOException {
        Path conf = write("""
                listener 8883
                psk_hint midge
                allow_anonymous false
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(2, e.line());
        assertEquals(conf + ":2: psk_hint cannot be honoured: Midge does not implement TLS-PSK, and this listener "
                + "has no certfile, so it would serve plain MQTT instead; remove psk_hint or give the listener a "
                + "certfile and keyfile", e.getMessage());
    }

    @Test
    void perListenerPskFileWithoutCertfileIsRefused() throws IOException {
        Path conf = write("""
                per_listener_settings true
                listener 1883
                allow_anonymous true
                listener 8883
                psk_file /etc/mosquitto/psk
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("psk_file cannot be honoured"), e.getMessage());
    }

    @Test
    void globalPskFileOnlyWarnsBecauseNoListenerUsesPskWithoutPskHint() throws IOException {
        Path conf = write("""
                psk_file /etc/mosquitto/psk
                listener 1883
                """);

        assertEquals(List.of(new ConfigWarning(conf, 1, "option 'psk_file' is not supported by Midge and is ignored")),
                MosquittoConf.parse(conf).warnings());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cafile /etc/ca.crt|cafile",
            "capath /etc/ca.d|capath",
            "keyfile /etc/server.key|keyfile",
            "crlfile /etc/crl.pem|crlfile",
            "require_certificate true|require_certificate",
            "use_identity_as_username true|use_identity_as_username",
            "use_subject_as_username true|use_subject_as_username",
            "tls_version tlsv1.3|tls_version",
            "ciphers ECDHE-RSA-AES128-GCM-SHA256|ciphers"})
    void tlsOptionOnAListenerWithoutCertfileIsRefused(String line, String option) throws IOException {
        Path conf = write("listener 8883\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(conf + ":2: " + option + " cannot be honoured: this listener has no certfile, so it would serve "
                + "plain MQTT without TLS; add certfile and keyfile, or remove " + option, e.getMessage());
    }

    @Test
    void requireCertificateFalseWithoutCertfileAsksForNothing() throws IOException {
        Path conf = write("""
                listener 1883
                require_certificate true
                require_certificate false
                allow_anonymous true
                """);

        assertEquals(1, MosquittoConf.parse(conf).config().listeners().size());
    }

    @Test
    void crlfileWithoutCafileIsRefusedBecauseNoCertificateWouldBeChecked() throws IOException {
        Path conf = write("""
                listener 8883
                certfile /etc/server.crt
                keyfile /etc/server.key
                crlfile /etc/crl.pem
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("crlfile cannot be honoured without cafile or capath"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tls_keyform engine", "keyform engine"})
    void keyInAnEngineIsRefused(String line) throws IOException {
        Path conf = write("listener 8883\ncertfile /etc/server.crt\nkeyfile pkcs11:object=server\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(4, e.line());
        assertTrue(e.reason().contains("the private key is in an OpenSSL engine"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "bind_interface eth0|bind_interface cannot be honoured: Midge cannot bind to an interface by name",
            "plugin /usr/lib/mosquitto_dynamic_security.so|plugin cannot be honoured: Midge cannot load mosquitto plugins",
            "auth_plugin /usr/lib/auth-plug.so|auth_plugin cannot be honoured: Midge cannot load mosquitto plugins",
            "global_plugin /usr/lib/x.so|global_plugin cannot be honoured: Midge cannot load mosquitto plugins",
            "mount_point tenant1/|mount_point cannot be honoured: Midge has no mount points",
            "clientid_prefixes sensor-|clientid_prefixes cannot be honoured",
            "dhparamfile /etc/dh4096.pem|dhparamfile cannot be honoured",
            "websockets_origin https://example.com|websockets_origin cannot be honoured",
            "check_retain_source true|check_retain_source cannot be honoured"})
    void optionWhoseLossWeakensSecurityIsRefusedAtItsLine(String line, String reasonStart) throws IOException {
        Path conf = write("listener 1883\nallow_anonymous true\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(conf + ":3: " + reasonStart), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"check_retain_source"})
    void refusedWhenTrueOptionSetToFalseIsOnlyWarned(String option) throws IOException {
        Path conf = write("listener 1883\n" + option + " false\n");

        assertEquals(List.of(new ConfigWarning(conf, 2, "option '" + option + "' is not supported by Midge and is "
                + "ignored")), MosquittoConf.parse(conf).warnings());
    }

    /** These were refused while Midge could not evaluate OpenSSL exclusions; now they mean what OpenSSL means. */
    @ParameterizedTest
    @ValueSource(strings = {"ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES128-GCM-SHA256:!SHA1",
            "ECDHE-RSA-AES128-GCM-SHA256:AES128-GCM-SHA256:-kRSA", "ECDHE-RSA-AES128-GCM-SHA256:@SECLEVEL=3",
            "ECDHE-RSA-AES128-GCM-SHA256:HIGH:!aNULL:!MD5:!RC4:@STRENGTH:@SECLEVEL=1"})
    void cipherExclusionsAndSecurityLevelsAreEvaluatedNotRefused(String ciphers) throws IOException {
        Path conf = write(tlsListener() + "ciphers " + ciphers + "\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(ciphers, parsed.config().listeners().get(0).tls().ciphers());
        assertEquals(List.of(), parsed.warnings());
    }

    private static String tlsListener() {
        return "listener 8883\ncertfile /etc/server.crt\nkeyfile /etc/server.key\ncafile /etc/ca.crt\n";
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
