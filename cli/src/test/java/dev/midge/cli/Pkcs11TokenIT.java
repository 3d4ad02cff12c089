package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.SoftHsm;
import dev.midge.testing.TestPki;
import dev.midge.testing.TlsProviderUnderTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Keys in a hardware token (SoftHSM2 standing in for the HSM), reached the way mosquitto.conf
 * names them: {@code tls_engine pkcs11}, {@code tls_keyform engine}, {@code keyfile pkcs11:...}.
 */
class Pkcs11TokenIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @BeforeEach
    void softHsmIsInstalled() {
        assumeTrue(SoftHsm.module().isPresent(), SoftHsm.MISSING);
        assumeFalse(TlsProviderUnderTest.openssl(), "a server key in a PKCS#11 token is served by the JDK's TLS "
                + "only: such a listener refuses midge_tls_provider openssl (TlsProviderOptionTest)");
    }

    @Test
    void mosquittoClientsHandshakeWithAServerWhoseKeyIsInTheToken() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate server = pki.ecServer();
        IssuedCertificate dev1 = pki.device("dev1");
        SoftHsm hsm = SoftHsm.create(work.resolve("hsm"), "midge");
        hsm.importKey(server.privateKey(), server.certificate(), "server", "01");
        assertTrue(hsm.listObjects().contains("sensitive"), "the imported key is sensitive: " + hsm.listObjects());
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                cafile %s
                certfile %s
                tls_engine pkcs11
                tls_keyform engine
                keyfile %s
                tls_engine_kpass_sha1 %s
                require_certificate true
                use_identity_as_username true
                allow_anonymous false
                """.formatted(port, pki.caFile(), server.chainFile(), hsm.uri("server"), sha1(SoftHsm.PIN)));

        try (BrokerProcess broker = BrokerProcess.start(work, hsm.environment(), "-c", conf.toString())) {
            broker.awaitLine("The server key for .* stays in the PKCS#11 token: pkcs11:token=midge;object=server", WAIT);
            broker.awaitLine("Midge .* running", WAIT);
            MosquittoClients.Options tls = MosquittoClients.options(port).cafile(pki.caFile())
                    .cert(dev1.certFile(), dev1.keyFile());
            try (RunningSubscriber reader = MosquittoClients.subscribe(tls, "-t", "#", "-v")) {
                assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);

                ProcessResult pub = MosquittoClients.publish(tls, "-t", "dev1/attrs", "-m", "signed-by-the-token");

                assertEquals(0, pub.exitCode(), pub::toString);
                assertEquals("dev1/attrs signed-by-the-token", reader.awaitLine(WAIT));
            }
        }
    }

    @Test
    void aPinThatDoesNotMatchTlsEngineKpassSha1RefusesToStart() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate server = pki.ecServer();
        SoftHsm hsm = SoftHsm.create(work.resolve("hsm"), "midge");
        hsm.importKey(server.privateKey(), server.certificate(), "server", "01");
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                certfile %s
                tls_engine pkcs11
                tls_keyform engine
                keyfile %s
                tls_engine_kpass_sha1 %s
                """.formatted(Ports.freePort(), server.chainFile(), hsm.uri("server"), sha1("another pin")));

        // start + awaitExit: a broker that wrongly starts fails the test instead of hanging it.
        try (BrokerProcess broker = BrokerProcess.start(work, hsm.environment(), "-c", conf.toString())) {
            assertNotEquals(0, broker.awaitExit(WAIT), broker.output());
            assertTrue(broker.output().contains("does not match tls_engine_kpass_sha1"), broker.output());
        }
    }

    private static String sha1(String pin) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(pin.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anOpenSslEngineOtherThanPkcs11RefusesToStartNamingTheLine() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        SoftHsm hsm = SoftHsm.create(work.resolve("hsm"), "midge");
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                certfile %s
                tls_engine tpm
                tls_keyform engine
                keyfile %s
                """.formatted(Ports.freePort(), pki.ecServer().chainFile(), hsm.uri("server")));

        try (BrokerProcess broker = BrokerProcess.start(work, hsm.environment(), "-c", conf.toString())) {
            assertEquals(3, broker.awaitExit(WAIT), broker.output());
            assertTrue(broker.output().contains(conf + ":3: tls_engine tpm cannot be honoured with keyform engine"),
                    broker.output());
        }
    }

    @Test
    void deviceAddSignsWithTheIssuingCaKeyInTheToken() throws Exception {
        Path data = work.resolve("data");
        DataDirectory.openOrInitialize(data, Ports.freePort());
        char[] passphrase = Files.readString(data.resolve("private/ca.passphrase")).strip().toCharArray();
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(data.resolve("private/issuing-ca.p12"))) {
            p12.load(in, passphrase);
        }
        SoftHsm hsm = SoftHsm.create(work.resolve("hsm"), "midge-ca");
        hsm.importKey((PrivateKey) p12.getKey("ca", passphrase), (X509Certificate) p12.getCertificate("ca"),
                "issuing-ca", "02");

        BrokerProcess.Result moved = BrokerProcess.run(work, hsm.environment(), "ca", "use-token", "--data",
                data.toString(), "--ca-key", hsm.uri("issuing-ca"));
        assertEquals(0, moved.exitCode(), moved.output());
        assertFalse(Files.exists(data.resolve("private/issuing-ca.p12")), "the software copy of the key is gone");

        BrokerProcess.Result added = BrokerProcess.run(work, hsm.environment(), "device", "add", "dev1", "--data",
                data.toString(), "--out", work.resolve("certs").toString());
        assertEquals(0, added.exitCode(), added.output());
        OpenSsl.Result verified = OpenSsl.verify(data.resolve("ca.crt"), null, work.resolve("certs/dev1.crt"));
        assertTrue(verified.succeeded(), verified.output());

        // The CRL is signed in the token too: openssl checks its signature against the issuing CA.
        BrokerProcess.Result revoked = BrokerProcess.run(work, hsm.environment(), "device", "revoke", "dev1", "--data",
                data.toString());
        assertEquals(0, revoked.exitCode(), revoked.output());
        OpenSsl.Result refused = OpenSsl.verify(data.resolve("ca.crt"), data.resolve("crl.pem"),
                work.resolve("certs/dev1.crt"));
        assertTrue(refused.output().contains("certificate revoked"), refused.output());
    }

    @Test
    void withoutTheTokenTheCaCannotSign() throws Exception {
        Path data = work.resolve("data");
        DataDirectory.openOrInitialize(data, Ports.freePort());
        char[] passphrase = Files.readString(data.resolve("private/ca.passphrase")).strip().toCharArray();
        KeyStore p12 = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(data.resolve("private/issuing-ca.p12"))) {
            p12.load(in, passphrase);
        }
        SoftHsm hsm = SoftHsm.create(work.resolve("hsm"), "midge-ca");
        hsm.importKey((PrivateKey) p12.getKey("ca", passphrase), (X509Certificate) p12.getCertificate("ca"),
                "issuing-ca", "02");
        assertEquals(0, BrokerProcess.run(work, hsm.environment(), "ca", "use-token", "--data", data.toString(),
                "--ca-key", hsm.uri("issuing-ca")).exitCode());

        // No SOFTHSM2_CONF: SoftHSM finds no token, so there is nothing to sign with.
        BrokerProcess.Result added = BrokerProcess.run(work, "device", "add", "dev1", "--data", data.toString(),
                "--out", work.resolve("certs").toString());

        assertNotEquals(0, added.exitCode(), added.output());
        assertTrue(added.output().contains("no token labelled 'midge-ca'"), added.output());
        assertFalse(Files.exists(work.resolve("certs/dev1.crt")));
    }
}
