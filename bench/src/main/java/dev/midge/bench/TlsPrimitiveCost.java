package dev.midge.bench;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;
import dev.midge.tls.BouncyCastleEcdsa;
import dev.midge.tls.BouncyCastleX25519;

import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.List;
import java.util.Set;

/**
 * The JVM's cost of each cryptographic step a full mTLS 1.3 handshake and a TLS record make the
 * broker pay, with the providers Midge's JSSE listeners use (BouncyCastle ECDSA and X25519 installed
 * as Midge installs them, the JDK's RSA, PKIX and AES-GCM): CPU time of this thread per operation
 * ({@code ThreadMXBean}), so the figures hold on a busy machine. Set beside {@code openssl speed}
 * (what mosquitto pays for the same steps), they say where the handshake and record time goes.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.midge.bench.TlsPrimitiveCost [seconds per row]</pre>
 */
public final class TlsPrimitiveCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private TlsPrimitiveCost() {
    }

    interface Step {
        void run() throws Exception;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        BouncyCastleEcdsa.install();
        BouncyCastleX25519.install();
        TestPki pki = TestPki.create(Files.createTempDirectory("tls-primitive-cost"));
        IssuedCertificate device = pki.device("dev-1");
        byte[] transcriptHash = new byte[130];   // what TLS 1.3 signs: 64 spaces, context, hash
        new SecureRandom().nextBytes(transcriptHash);

        KeyPairGenerator rsaKeys = KeyPairGenerator.getInstance("RSA");
        rsaKeys.initialize(2048);
        KeyPair rsa = rsaKeys.generateKeyPair();
        Signature rsaPss = Signature.getInstance("RSASSA-PSS");
        rsaPss.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));

        KeyPairGenerator ecKeys = KeyPairGenerator.getInstance("EC");
        ecKeys.initialize(256);
        KeyPair ec = ecKeys.generateKeyPair();
        Signature ecdsa = Signature.getInstance("SHA256withECDSA");
        ecdsa.initSign(ec.getPrivate());
        ecdsa.update(transcriptHash);
        byte[] ecSignature = ecdsa.sign();

        // By the names JSSE asks for, so the provider is the one a handshake gets.
        KeyPairGenerator x25519 = KeyPairGenerator.getInstance("XDH");
        x25519.initialize(NamedParameterSpec.X25519);
        KeyPair peer = x25519.generateKeyPair();

        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        byte[] deviceDer = device.certificate().getEncoded();
        PKIXParameters pkix = new PKIXParameters(Set.of(new TrustAnchor(pki.caCertificate(), null)));
        pkix.setRevocationEnabled(false);
        CertPathValidator validator = CertPathValidator.getInstance("PKIX");

        SecretKeySpec aesKey = new SecretKeySpec(new byte[16], "AES");
        byte[] iv = new byte[12];
        byte[] header = {23, 3, 3, 0, 81};
        byte[] record = new byte[64 + 2 + 1];   // a 64-byte PUBLISH payload's packet + content type
        byte[] sealed = new byte[record.length + 16];
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        long[] nonce = {0};

        System.out.printf("TLS primitives on %s %s, %.0f s per row, CPU time of one thread per operation%n",
                System.getProperty("java.vm.name"), System.getProperty("java.version"), seconds);
        row("RSA-2048 sign, RSASSA-PSS SHA-256 (JDK)", seconds, () -> {
            rsaPss.initSign(rsa.getPrivate());
            rsaPss.update(transcriptHash);
            rsaPss.sign();
        });
        row("ECDSA P-256 sign, SHA-256 (" + ecdsa.getProvider().getName() + ")", seconds, () -> {
            ecdsa.initSign(ec.getPrivate());
            ecdsa.update(transcriptHash);
            ecdsa.sign();
        });
        row("ECDSA P-256 verify, SHA-256 (" + ecdsa.getProvider().getName() + "): the client's CertificateVerify",
                seconds, () -> {
            ecdsa.initVerify(ec.getPublic());
            ecdsa.update(transcriptHash);
            ecdsa.verify(ecSignature);
        });
        row("X25519 key pair + agreement (" + x25519.getProvider().getName() + ")", seconds, () -> {
            KeyPair own = x25519.generateKeyPair();
            KeyAgreement agreement = KeyAgreement.getInstance("XDH");
            agreement.init(own.getPrivate());
            agreement.doPhase(peer.getPublic(), true);
            agreement.generateSecret();
        });
        row("X.509 parse of the client certificate (JDK CertificateFactory)", seconds,
                () -> x509.generateCertificate(new ByteArrayInputStream(deviceDer)));
        row("PKIX path validation of a parsed client certificate under the CA, no CRL (JDK)", seconds, () -> {
            X509Certificate leaf = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(deviceDer));
            validator.validate(x509.generateCertPath(List.of(leaf)), pkix);
        });
        row("AES-128-GCM seal of one 64 B PUBLISH record (JDK Cipher, init per record as JSSE)", seconds, () -> {
            iv[11] = (byte) nonce[0]++;
            gcm.init(Cipher.ENCRYPT_MODE, aesKey, new GCMParameterSpec(128, iv));
            gcm.updateAAD(header);
            gcm.doFinal(record, 0, record.length, sealed, 0);
        });
    }

    private static void row(String what, double seconds, Step step) throws Exception {
        long warmUntil = System.nanoTime() + (long) (seconds * 1e9);
        while (System.nanoTime() < warmUntil) {
            step.run();
        }
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long until = System.nanoTime() + (long) (seconds * 1e9);
        long n = 0;
        while (System.nanoTime() < until) {
            step.run();
            n++;
        }
        double micros = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / n;
        System.out.printf("  %-100s %10.2f µs%n", what, micros);
    }
}
