package dev.midge.conf;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** An embedder's TlsOptions are the ones the same mosquitto.conf lines would give. */
class TlsOptionsBuilderTest {

    private static final Path CONF = Path.of("builder.conf");

    @Test
    void builderGivesWhatTheConfLinesGive() {
        ParsedConf parsed = MosquittoConf.parse("""
                listener 8883
                certfile /etc/midge/server.crt
                keyfile /etc/midge/server.key
                cafile /etc/midge/ca.crt
                crlfile /etc/midge/ca.crl
                require_certificate true
                use_identity_as_username true
                tls_version tlsv1.3
                midge_crl_expired_warn_only true
                """, CONF);

        TlsOptions built = TlsOptions.builder()
                .certfile(Path.of("/etc/midge/server.crt"))
                .keyfile(Path.of("/etc/midge/server.key"))
                .cafile(Path.of("/etc/midge/ca.crt"))
                .crlfile(Path.of("/etc/midge/ca.crl"))
                .requireCertificate(true)
                .useIdentityAsUsername(true)
                .tlsVersion("tlsv1.3")
                .crlExpiredWarnOnly(true)
                .build();

        assertEquals(parsed.config().listeners().get(0).tls(), built);
    }

    @Test
    void builderWithoutACertificateIsRefused() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TlsOptions.builder().cafile(Path.of("ca.crt")).requireCertificate(true).build());
        assertEquals("a TLS listener needs certfile and keyfile", e.getMessage());
    }
}
