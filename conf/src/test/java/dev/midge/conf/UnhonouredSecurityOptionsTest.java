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
    void pskHintWithoutCertfileMakesATlsPskListener() throws IOException {
        Path conf = write("""
                psk_file /etc/mosquitto/psk
                listener 8883
                psk_hint midge
                use_identity_as_username true
                tls_version tlsv1.3
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(), parsed.warnings());
        TlsOptions tls = parsed.config().listeners().get(0).tls();
        assertTrue(tls.pskListener());
        assertEquals("midge", tls.pskHint());
        assertEquals(Path.of("/etc/mosquitto/psk"), tls.pskFile());
        assertTrue(tls.useIdentityAsUsername());
    }

    @Test
    void pskHintWithoutAnyPskFileIsRefusedBecauseNoClientCouldConnect() throws IOException {
        Path conf = write("""
                listener 8883
                psk_hint midge
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(conf + ":2: psk_hint needs a psk_file (global, or this listener's with per_listener_settings "
                + "true): without one no client could connect", e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "cafile /etc/ca.crt|cafile",
            "keyfile /etc/server.key|keyfile",
            "require_certificate true|require_certificate",
            "use_subject_as_username true|use_subject_as_username",
            "ciphers_tls1.3 TLS_AES_128_GCM_SHA256|ciphers_tls1.3"})
    void certificateOptionsAndTls13CipherListsOnATlsPskListenerAreRefused(String line, String option) throws IOException {
        Path conf = write("psk_file /etc/psk\nlistener 8883\npsk_hint midge\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith(option + " cannot be honoured on a TLS-PSK listener (psk_hint without "
                + "certfile)"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PSK-AES128-GCM-SHA256", "kECDHEPSK:kDHEPSK", "PSK:!kPSK", "aPSK+AESGCM"})
    void aCipherListSelectingPskSuitesRestrictsATlsPskListener(String ciphers) throws IOException {
        Path conf = write("psk_file /etc/psk\nlistener 8883\npsk_hint midge\nciphers " + ciphers + "\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(ciphers, parsed.config().listeners().get(0).tls().ciphers());
        assertEquals(List.of(), parsed.warnings());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ECDHE-RSA-AES128-GCM-SHA256", "HIGH:!PSK", "PSK+aRSA", "PSK-AES256-CCM"})
    void aCipherListSelectingNoPskSuiteStopsATlsPskListenerAtItsLine(String ciphers) throws IOException {
        Path conf = write("psk_file /etc/psk\nlistener 8883\npsk_hint midge\nciphers " + ciphers + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("'" + ciphers + "' selects no TLS-PSK cipher suite Midge offers"),
                e.getMessage());
    }

    @Test
    void perListenerPskFileWithoutPskHintOrCertfileIsRefused() throws IOException {
        Path conf = write("""
                per_listener_settings true
                listener 1883
                allow_anonymous true
                listener 8883
                psk_file /etc/mosquitto/psk
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(5, e.line());
        assertTrue(e.getMessage().contains("psk_file cannot be honoured: this listener has no psk_hint and no "
                + "certfile, so it would serve plain MQTT"), e.getMessage());
    }

    @Test
    void perListenerPskFileBelongsToItsListenerOnly() throws IOException {
        Path conf = write("""
                per_listener_settings true
                listener 8883
                psk_hint midge
                psk_file /etc/psk-a
                listener 8884
                psk_hint midge
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(6, e.line()); // the second listener has no psk_file of its own
        assertTrue(e.reason().startsWith("psk_hint needs a psk_file"), e.getMessage());
    }

    @Test
    void globalPskFileWithoutAPskListenerOnlyWarns() throws IOException {
        Path conf = write("""
                psk_file /etc/mosquitto/psk
                listener 1883
                """);

        assertEquals(List.of(new ConfigWarning(conf, 1, "psk_file is used only by a listener with psk_hint, and "
                + "there is none; it is ignored")), MosquittoConf.parse(conf).warnings());
    }

    @Test
    void pskHintNextToCertfileWithoutAnyPskFileIsRefused() throws IOException {
        Path conf = write("""
                listener 8883
                certfile /etc/mosquitto/server.crt
                keyfile /etc/mosquitto/server.key
                psk_hint midge
                """);

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(4, e.line());
        assertTrue(e.reason().startsWith("psk_hint needs a psk_file"), e.getMessage());
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
    void keyInAnEngineOtherThanPkcs11IsRefused(String line) throws IOException {
        Path conf = write("listener 8883\ncertfile /etc/server.crt\ntls_engine tpm\nkeyfile " + TOKEN_KEY + "\n"
                + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(3, e.line());
        assertTrue(e.reason().startsWith("tls_engine tpm cannot be honoured with keyform engine: Java cannot load "
                + "OpenSSL engines"), e.getMessage());
    }

    @Test
    void keyInAnEngineWithoutTlsEngineIsRefused() throws IOException {
        Path conf = write("listener 8883\ncertfile /etc/server.crt\nkeyfile " + TOKEN_KEY + "\ntls_keyform engine\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(4, e.line());
        assertEquals("keyform engine needs tls_engine pkcs11 (Midge reaches keys in hardware through PKCS#11)",
                e.reason());
    }

    @Test
    void pinHashWithoutThePinIsRefusedBecausePkcs11CannotLogInWithAHash() throws IOException {
        Path conf = write("listener 8883\ncertfile /etc/server.crt\ntls_engine pkcs11\ntls_keyform engine\n"
                + "keyfile pkcs11:token=midge;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so\n"
                + "tls_engine_kpass_sha1 7110eda4d09e062aa5e4a390b0a572ac0d2c0220\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(6, e.line());
        assertTrue(e.reason().startsWith("tls_engine_kpass_sha1 cannot be honoured on its own"), e.getMessage());
    }

    @Test
    void tokenKeyUriAnOptionCannotHonourIsRefusedAtTheKeyfileLine() throws IOException {
        Path conf = write("listener 8883\ncertfile /etc/server.crt\ntls_engine pkcs11\ntls_keyform engine\n"
                + "keyfile pkcs11:token=midge;object=server;id=%01?module-path=/usr/lib/softhsm/libsofthsm2.so\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(5, e.line());
        assertTrue(e.reason().startsWith("keyfile with keyform engine: the PKCS#11 URI attribute 'id' is not "
                + "supported by Midge"), e.getMessage());
    }

    private static final String TOKEN_KEY = "pkcs11:token=midge;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so"
            + "&pin-value=1234";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "plugin /usr/lib/mosquitto_dynamic_security.so|plugin cannot be honoured: '/usr/lib/mosquitto_dynamic_security.so' is not a jar: Midge cannot load mosquitto's C plugins",
            "auth_plugin /usr/lib/auth-plug.so|auth_plugin cannot be honoured: '/usr/lib/auth-plug.so' is not a jar",
            "global_plugin /usr/lib/x.so|global_plugin cannot be honoured: '/usr/lib/x.so' is not a jar",
            "dhparamfile /etc/dh4096.pem|dhparamfile cannot be honoured",
            "websockets_origin https://example.com|websockets_origin cannot be honoured"})
    void optionWhoseLossWeakensSecurityIsRefusedAtItsLine(String line, String reasonStart) throws IOException {
        Path conf = write("listener 1883\nallow_anonymous true\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(3, e.line());
        assertTrue(e.getMessage().startsWith(conf + ":3: " + reasonStart), e.getMessage());
    }

    @Test
    void checkRetainSourceIsHonouredAndTrueByDefaultAsInMosquitto() throws IOException {
        assertTrue(MosquittoConf.parse(write("listener 1883\n")).config().access().checkRetainSource());
        ParsedConf off = MosquittoConf.parse(write("listener 1883\ncheck_retain_source false\n"));
        assertEquals(List.of(), off.warnings());
        assertEquals(false, off.config().access().checkRetainSource());
        assertTrue(MosquittoConf.parse(write("listener 1883\ncheck_retain_source true\n")).config().access()
                .checkRetainSource());
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
