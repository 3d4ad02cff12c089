package dev.midge.tls;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.crypto.KeyAgreement;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPublicKeySpec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TLS key exchange over X25519 with BouncyCastle's code, checked against OpenSSL and SunEC. */
class BouncyCastleX25519Test {

    @TempDir
    static Path dir;
    static TestPki pki;

    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    private int listen() throws Exception {
        return listeners.start(Options.mutualTls(pki)).port();
    }

    @Test
    void onceATlsListenerExistsXdhIsBouncyCastles() throws Exception {
        listen();
        assertEquals(BouncyCastleX25519.PROVIDER_NAME, KeyPairGenerator.getInstance("XDH").getProvider().getName());
        assertEquals(BouncyCastleX25519.PROVIDER_NAME, KeyFactory.getInstance("XDH").getProvider().getName());
        KeyPairGenerator generator = KeyPairGenerator.getInstance("XDH");
        generator.initialize(NamedParameterSpec.X25519);
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(generator.generateKeyPair().getPrivate());
        assertEquals(BouncyCastleX25519.PROVIDER_NAME, agreement.getProvider().getName());
    }

    @ParameterizedTest
    @CsvSource({"X25519, -tls1_3", "X25519, -tls1_2"})
    void opensslClientCompletesMutualTlsOverTheGroup(String group, String version) throws Exception {
        int port = listen();
        IssuedCertificate device = pki.device("xdh-openssl");
        OpenSsl.Result openssl = OpenSsl.sClient(port, version, "-groups", group, "-ign_eof", "-verify_return_error",
                "-CAfile", pki.caFile().toString(), "-cert", device.certFile().toString(), "-key",
                device.keyFile().toString());
        assertTrue(openssl.output().contains("OK user=xdh-openssl"), openssl.output());
    }

    /** JSSE's path: the peer's share arrives as a u-coordinate (XECPublicKeySpec), ours goes out as getU(). */
    @ParameterizedTest
    @CsvSource({"X25519", "X448"})   // X448 is SunEC's on both sides: our factory and generator hand it on
    void secretsAgreeWithSunEcBothWays(String curve) throws Exception {
        listen();
        NamedParameterSpec params = new NamedParameterSpec(curve);
        KeyPairGenerator ours = KeyPairGenerator.getInstance("XDH");
        ours.initialize(params);
        KeyPairGenerator sunEc = KeyPairGenerator.getInstance("XDH", "SunEC");
        sunEc.initialize(params);
        for (int round = 0; round < 20; round++) {
            KeyPair a = ours.generateKeyPair();
            KeyPair b = sunEc.generateKeyPair();
            KeyAgreement withOurs = KeyAgreement.getInstance("XDH");
            withOurs.init(a.getPrivate());
            withOurs.doPhase(KeyFactory.getInstance("XDH").generatePublic(
                    new XECPublicKeySpec(params, ((XECPublicKey) b.getPublic()).getU())), true);
            KeyAgreement withSunEc = KeyAgreement.getInstance("XDH", "SunEC");
            withSunEc.init(b.getPrivate());
            withSunEc.doPhase(KeyFactory.getInstance("XDH", "SunEC").generatePublic(
                    new XECPublicKeySpec(params, ((XECPublicKey) a.getPublic()).getU())), true);
            assertArrayEquals(withSunEc.generateSecret(), withOurs.generateSecret());
        }
    }
}
