package dev.midge.conf;

import dev.midge.conf.pkcs11.Pkcs11Uri;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** mosquitto's way of naming a server key in a PKCS#11 token becomes TlsOptions.tokenKey. */
class TokenKeyOptionsTest {

    @TempDir
    Path dir;

    @Test
    void mosquittosPkcs11EngineOptionsNameTheTokenKeyWithoutWarnings() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, """
                listener 8883
                certfile /etc/mosquitto/server.crt
                tls_engine pkcs11
                tls_engine_kpass_sha1 7110EDA4D09E062AA5E4A390B0A572AC0D2C0220
                keyfile pkcs11:token=midge%20hsm;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/mosquitto/pin
                tls_keyform engine
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(), parsed.warnings());
        TlsOptions tls = parsed.config().listeners().get(0).tls();
        assertNull(tls.keyfile());
        assertEquals(new Pkcs11Uri("midge hsm", null, "server", Path.of("/usr/lib/softhsm/libsofthsm2.so"), null,
                Path.of("/etc/mosquitto/pin")), tls.tokenKey());
        assertEquals("7110EDA4D09E062AA5E4A390B0A572AC0D2C0220", tls.tokenPinSha1());
    }

    @Test
    void pinHashWithAPemKeyIsWarnedAndIgnoredAsBefore() throws IOException {
        Path conf = dir.resolve("mosquitto.conf");
        Files.writeString(conf, """
                listener 8883
                certfile /etc/mosquitto/server.crt
                keyfile /etc/mosquitto/server.key
                tls_engine_kpass_sha1 7110eda4d09e062aa5e4a390b0a572ac0d2c0220
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(new ConfigWarning(conf, 4,
                "option 'tls_engine_kpass_sha1' is not supported by Midge and is ignored")), parsed.warnings());
        assertNull(parsed.config().listeners().get(0).tls().tokenKey());
    }
}
