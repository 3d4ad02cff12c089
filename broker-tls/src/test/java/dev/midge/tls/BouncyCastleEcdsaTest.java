package dev.midge.tls;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import javax.crypto.Cipher;
import java.nio.file.Path;
import java.security.Signature;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Handshakes with EC keys on both sides, their signatures made and checked by BouncyCastle. */
class BouncyCastleEcdsaTest {

    @TempDir
    static Path dir;
    static TestPki pki;

    @RegisterExtension
    final TlsListeners listeners = new TlsListeners();

    @BeforeAll
    static void pki() {
        pki = TestPki.create(dir);
    }

    private int listen(IssuedCertificate serverCertificate) throws Exception {
        return listeners.start(Options.mutualTls(pki).server(serverCertificate)).port();
    }

    @Test
    void onceATlsListenerExistsEcdsaSignaturesAreBouncyCastlesAndNothingElseIs() throws Exception {
        listen(pki.ecServer());
        IssuedCertificate device = pki.device("ec-device");

        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(device.privateKey());
        assertEquals(BouncyCastleEcdsa.PROVIDER_NAME, sign.getProvider().getName());
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(device.certificate().getPublicKey());
        assertEquals(BouncyCastleEcdsa.PROVIDER_NAME, verify.getProvider().getName());

        // Bulk encryption stays with the JDK, which uses the CPU's AES instructions.
        assertNotEquals(BouncyCastleEcdsa.PROVIDER_NAME, Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName());
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(pki.server().privateKey());
        assertNotEquals(BouncyCastleEcdsa.PROVIDER_NAME, rsa.getProvider().getName());
    }

    @Test
    void signaturesWithTheJdksKeysAgreeWithTheJdksOwnEcdsaBothWays() throws Exception {
        listen(pki.ecServer());
        IssuedCertificate device = pki.device("ec-agree");
        byte[] data = "CertificateVerify content".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int round = 0; round < 2; round++) { // the second round uses the converted keys kept from the first
            Signature ours = Signature.getInstance("SHA384withECDSA");
            ours.initSign(device.privateKey());
            ours.update(data);
            byte[] signed = ours.sign();
            Signature jdk = Signature.getInstance("SHA384withECDSA", "SunEC");
            jdk.initVerify(device.certificate().getPublicKey());
            jdk.update(data);
            assertTrue(jdk.verify(signed), "SunEC accepts BouncyCastle's signature");

            jdk.initSign(device.privateKey());
            jdk.update(data);
            byte[] jdkSigned = jdk.sign();
            ours.initVerify(device.certificate().getPublicKey());
            ours.update(data);
            assertTrue(ours.verify(jdkSigned), "BouncyCastle accepts SunEC's signature");
            ours.initVerify(pki.device("someone-else").certificate().getPublicKey());
            ours.update(data);
            assertFalse(ours.verify(jdkSigned), "and refuses it under another key");
        }
    }

    @Test
    void opensslClientWithAnEcCertificateCompletesMutualTlsAgainstAnEcServerKey() throws Exception {
        int port = listen(pki.ecServer());
        IssuedCertificate device = pki.device("ec-openssl");
        // openssl checks the server's CertificateVerify signature, Midge checks the client's and
        // its certificate's: a bad signature on either side fails the handshake.
        OpenSsl.Result openssl = OpenSsl.sClient(port, "-ign_eof", "-verify_return_error", "-CAfile",
                pki.caFile().toString(), "-cert", device.certFile().toString(), "-key", device.keyFile().toString());
        assertTrue(openssl.output().contains("OK user=ec-openssl"), openssl.output());
    }

    @Test
    void jsseClientCompletesMutualTlsOverTls12AndTls13() throws Exception {
        int port = listen(pki.ecServer());
        for (String protocol : new String[]{"TLSv1.2", "TLSv1.3"}) {
            JsseClient.Outcome outcome = JsseClient.connect(port, pki.caCertificate(), pki.device("ec-jsse"), protocol);
            assertTrue(outcome.accepted(), () -> protocol + ": " + outcome.failure());
            assertEquals("ec-jsse", outcome.username());
        }
    }
}
