package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code ciphers} and {@code ciphers_tls1.3} are checked at their line as OpenSSL would read them. */
class CipherOptionsTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"HIGH:!HIGH", "aNULL", "ECDHE+AESGCM:!AESGCM", "CAMELLIA", "NOSUCHSUITE", "TLSv1.2+SHA1"})
    void cipherStringThatSelectsNothingStopsStartUpAtItsLine(String ciphers) throws IOException {
        Path conf = write(tlsListener() + "ciphers " + ciphers + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(5, e.line());
        assertTrue(e.getMessage().startsWith(conf + ":5: '" + ciphers + "' selects no TLS 1.2 cipher suite the JDK"
                + " implements"), e.getMessage());
    }

    @Test
    void cipherStringOpenSslCannotReadStopsStartUp() throws IOException {
        Path conf = write(tlsListener() + "ciphers HIGH:@STRENGHT\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(conf + ":5: '@STRENGHT' is not an OpenSSL cipher string command (@STRENGTH, or @SECLEVEL=0 to 5)",
                e.getMessage());
    }

    @Test
    void wordsOpenSslIgnoresAreWarnedWithTheirOpenSslName() throws IOException {
        Path conf = write(tlsListener() + "ciphers TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:HIGH:FROB\n");

        List<ConfigWarning> warnings = MosquittoConf.parse(conf).warnings();

        assertEquals(List.of(
                new ConfigWarning(conf, 5, "ciphers: ignoring 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256' as OpenSSL does:"
                        + " OpenSSL names this suite ECDHE-RSA-AES128-GCM-SHA256"),
                new ConfigWarning(conf, 5, "ciphers: ignoring 'FROB' as OpenSSL does: it is neither an OpenSSL cipher"
                        + " keyword nor a TLS 1.2 suite both OpenSSL and the JDK implement")), warnings);
    }

    @Test
    void tls13ListWithoutASuiteTheJdkHasStopsStartUp() throws IOException {
        Path conf = write(tlsListener() + "ciphers_tls1.3 TLS_AES_128_CCM_SHA256\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(5, e.line());
        assertTrue(e.reason().startsWith("'TLS_AES_128_CCM_SHA256' names no TLS 1.3 suite the JDK implements"),
                e.getMessage());
    }

    @Test
    void tls13NamesTheJdkLacksAreWarned() throws IOException {
        Path conf = write(tlsListener() + "ciphers_tls1.3 TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(new ConfigWarning(conf, 5, "ciphers_tls1.3: ignoring 'TLS_AES_128_CCM_SHA256': the JDK"
                + " does not implement it")), parsed.warnings());
        assertEquals("TLS_AES_128_CCM_SHA256:TLS_AES_256_GCM_SHA384",
                parsed.config().listeners().get(0).tls().ciphersTls13());
    }

    private static String tlsListener() {
        return "listener 8883\ncertfile /etc/server.crt\nkeyfile /etc/server.key\ncafile /etc/ca.crt\n";
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
