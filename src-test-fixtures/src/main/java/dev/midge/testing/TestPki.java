package dev.midge.testing;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.CRLReason;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.cert.X509v2CRLBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CRLConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v2CRLBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A throw-away certificate authority writing real PEM files into a directory: a root CA, server
 * certificates for localhost/127.0.0.1, device certificates by CN, the awkward cases (expired,
 * not yet valid, from a foreign CA) and CRLs.
 *
 * <pre>{@code
 * TestPki pki = TestPki.create(tempDir);
 * IssuedCertificate dev1 = pki.device("dev1");
 * pki.revoke(dev1);
 * Path crl = pki.writeCrl();
 * }</pre>
 *
 * RSA key generation is slow on a small machine, so RSA key pairs are generated once per JVM and
 * reused across instances; certificates are always fresh. EC keys are made on demand.
 */
public final class TestPki {

    private static final List<KeyPair> RSA_KEYS = new ArrayList<>();
    private static final AtomicLong SERIALS = new AtomicLong(System.currentTimeMillis() << 8);
    private static final Duration ONE_YEAR = Duration.ofDays(365);

    private final Path dir;
    private final Authority root;
    private final Authority foreign;
    /** Revoked serials with their reason, per issuing CA (by subject). */
    private final Map<javax.security.auth.x500.X500Principal, Map<BigInteger, Integer>> revoked = new LinkedHashMap<>();
    private Authority intermediate;
    private int rsaKeysUsed;
    private IssuedCertificate server;
    private IssuedCertificate ecServer;
    /** The OCSP URL (authorityInfoAccess) of device certificates issued from now on, or null. */
    private volatile String ocspUrl;

    /** One CA: its key, certificate and certificate file. */
    private record Authority(KeyPair keys, X509Certificate certificate, Path file) {
    }

    private TestPki(Path dir) {
        this.dir = dir;
        this.root = newAuthority("Midge Test Root CA", "ca.crt");
        this.foreign = newAuthority("Foreign Test CA", "foreign-ca.crt");
    }

    /** A new CA whose files live in {@code dir} (created if missing). */
    public static TestPki create(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new TestPki(dir);
    }

    public Path dir() { return dir; }

    /** The root CA certificate (PEM): what a listener's cafile and a client's --cafile name. */
    public Path caFile() { return root.file(); }

    public X509Certificate caCertificate() { return root.certificate(); }

    /** Another CA, trusted by nobody: its devices must be refused. */
    public Path foreignCaFile() { return foreign.file(); }

    /** Where {@link #writeCrl()} and friends write the CRL. */
    public Path crlFile() { return dir.resolve("crl.pem"); }

    /** The RSA-2048 server certificate for localhost and 127.0.0.1 (PKCS#8 key). */
    public synchronized IssuedCertificate server() {
        if (server == null) {
            server = issue(root, "localhost", nextRsaKeys(), KeyEncoding.PKCS8, Kind.SERVER, validNow(), "server");
        }
        return server;
    }

    /** The same as {@link #server()} with an EC P-256 key in SEC1 encoding. */
    public synchronized IssuedCertificate ecServer() {
        if (ecServer == null) {
            ecServer = issue(root, "localhost", ecKeys(), KeyEncoding.SEC1, Kind.SERVER, validNow(), "server-ec");
        }
        return ecServer;
    }

    /** A server certificate with its own fresh key (to test replacing certfile and keyfile). */
    public IssuedCertificate server(String fileName, KeyEncoding encoding) {
        KeyPair keys = encoding == KeyEncoding.SEC1 ? ecKeys() : nextRsaKeys();
        return issue(root, "localhost", keys, encoding, Kind.SERVER, validNow(), fileName);
    }

    /** Device certificates issued from now on name this OCSP responder in authorityInfoAccess (null: none). */
    public TestPki ocspUrl(String url) {
        this.ocspUrl = url;
        return this;
    }

    /**
     * A delegated OCSP responder certificate (id-kp-OCSPSigning) issued by the CA, for
     * {@code openssl ocsp -rsigner FILE.crt -rkey FILE.key}.
     */
    public IssuedCertificate ocspResponder(String fileName) {
        return issue(root, "CN=Midge Test OCSP Responder,O=Midge Test", ecKeys(), KeyEncoding.PKCS8, Kind.OCSP_SIGNER,
                validNow(), fileName);
    }

    /** A device (client) certificate with CN {@code cn}, an EC key in PKCS#8. */
    public IssuedCertificate device(String cn) {
        return device(cn, KeyEncoding.PKCS8);
    }

    /** A device certificate whose key is written in {@code encoding} (PKCS#1 means an RSA key). */
    public IssuedCertificate device(String cn, KeyEncoding encoding) {
        KeyPair keys = encoding == KeyEncoding.PKCS1 ? nextRsaKeys() : ecKeys();
        return issue(root, "CN=" + cn + ",O=Midge Test", keys, encoding, Kind.CLIENT, validNow(), cn);
    }

    /** A device certificate with the given RFC 2253 subject, e.g. "CN=dev1,OU=Sensors,O=Acme,C=GB". */
    public IssuedCertificate deviceWithSubject(String subject, String fileName) {
        return issue(root, subject, ecKeys(), KeyEncoding.PKCS8, Kind.CLIENT, validNow(), fileName);
    }

    /**
     * A device certificate issued by an intermediate CA (created on first use, signed by the
     * root): its {@link IssuedCertificate#chainFile()} holds leaf and intermediate, so a listener
     * trusting only the root accepts it, and {@link #writeCrl()} then writes the intermediate's
     * CRL too.
     */
    public IssuedCertificate deviceViaIntermediate(String cn) {
        Authority ca = intermediate();
        IssuedCertificate leaf = issue(ca, "CN=" + cn + ",O=Midge Test", ecKeys(), KeyEncoding.PKCS8, Kind.CLIENT,
                validNow(), cn);
        Path chainFile = dir.resolve(cn + "-chain.crt");
        write(chainFile, pem(leaf.certificate()) + pem(ca.certificate()));
        return new IssuedCertificate(leaf.name(), leaf.certificate(), leaf.privateKey(), leaf.certFile(), chainFile,
                leaf.keyFile());
    }

    /** The intermediate CA's certificate file (created on first use). */
    public Path intermediateCaFile() {
        return intermediate().file();
    }

    private synchronized Authority intermediate() {
        if (intermediate == null) {
            KeyPair keys = ecKeys();
            X500Name issuer = X500Name.getInstance(root.certificate().getSubjectX500Principal().getEncoded());
            X509Certificate cert = sign(x500("CN=Midge Test Intermediate CA,O=Midge Test"), keys, issuer, root.keys(), null,
                    Kind.CA, validNow(), root.certificate());
            Path file = dir.resolve("intermediate-ca.crt");
            write(file, pem(cert));
            intermediate = new Authority(keys, cert, file);
        }
        return intermediate;
    }

    /** A device certificate that expired yesterday. */
    public IssuedCertificate expiredDevice(String cn) {
        Instant now = Instant.now();
        return issue(root, "CN=" + cn + ",O=Midge Test", ecKeys(), KeyEncoding.PKCS8, Kind.CLIENT,
                new Instant[]{now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))}, cn);
    }

    /** A device certificate valid from tomorrow. */
    public IssuedCertificate notYetValidDevice(String cn) {
        Instant now = Instant.now();
        return issue(root, "CN=" + cn + ",O=Midge Test", ecKeys(), KeyEncoding.PKCS8, Kind.CLIENT,
                new Instant[]{now.plus(Duration.ofDays(1)), now.plus(ONE_YEAR)}, cn);
    }

    /** A device certificate that expires {@code validFor} from now (to see a session outlive it). */
    public IssuedCertificate shortLivedDevice(String cn, Duration validFor) {
        Instant now = Instant.now();
        return issue(root, "CN=" + cn + ",O=Midge Test", ecKeys(), KeyEncoding.PKCS8, Kind.CLIENT,
                new Instant[]{now.minus(Duration.ofMinutes(1)), now.plus(validFor)}, cn);
    }

    /** A device certificate issued by the foreign CA. */
    public IssuedCertificate foreignDevice(String cn) {
        return issue(foreign, "CN=" + cn + ",O=Elsewhere", ecKeys(), KeyEncoding.PKCS8, Kind.CLIENT, validNow(), cn);
    }

    /** Marks the certificate revoked (keyCompromise) in the CRLs written from now on. */
    public synchronized void revoke(IssuedCertificate certificate) {
        revoke(certificate, CRLReason.keyCompromise);
    }

    /** Marks it revoked with an RFC 5280 reason code ({@link CRLReason} constants). */
    public synchronized void revoke(IssuedCertificate certificate, int reason) {
        revoked.computeIfAbsent(certificate.certificate().getIssuerX500Principal(), k -> new LinkedHashMap<>())
                .put(certificate.serial(), reason);
    }

    /** Marks the intermediate CA revoked (keyCompromise) in the root's CRLs written from now on. */
    public synchronized void revokeIntermediateCa() {
        X509Certificate ca = intermediate().certificate();
        revoked.computeIfAbsent(ca.getIssuerX500Principal(), k -> new LinkedHashMap<>())
                .put(ca.getSerialNumber(), CRLReason.keyCompromise);
    }

    /** The intermediate CA's certificate (created on first use). */
    public X509Certificate intermediateCaCertificate() {
        return intermediate().certificate();
    }

    /** Writes the current CRL (next update in a day) to {@link #crlFile()} by atomic rename. */
    public Path writeCrl() {
        return writeAtomically(crlFile(), currentCrlsPem());
    }

    /** Writes the current CRL over {@link #crlFile()} in place (truncate and write). */
    public Path writeCrlInPlace() {
        write(crlFile(), currentCrlsPem());
        return crlFile();
    }

    /** The root's CRL, followed by the intermediate's once there is one: one file, as OpenSSL takes it. */
    private synchronized String currentCrlsPem() {
        Instant now = Instant.now();
        String pem = crlPem(root, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        return intermediate == null ? pem : pem + crlPem(intermediate, now.minusSeconds(60), now.plus(Duration.ofDays(1)));
    }

    /** Writes a CRL whose nextUpdate was yesterday. */
    public Path writeExpiredCrl() {
        Instant now = Instant.now();
        return writeAtomically(crlFile(), crlPem(root, now.minus(Duration.ofDays(2)), now.minus(Duration.ofDays(1))));
    }

    /** Writes a CRL naming our CA as issuer but signed with the foreign CA's key: a forgery. */
    public Path writeCrlSignedByForeignCa() {
        Instant now = Instant.now();
        Authority forger = new Authority(foreign.keys(), root.certificate(), root.file());
        return writeAtomically(crlFile(), crlPem(forger, now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    }

    /** Writes the root's genuine CRL and an intermediate CRL signed with the foreign CA's key. */
    public synchronized Path writeCrlWithForgedIntermediateCrl() {
        Instant now = Instant.now();
        Authority ca = intermediate();
        Authority forger = new Authority(foreign.keys(), ca.certificate(), ca.file());
        return writeAtomically(crlFile(), crlPem(root, now.minusSeconds(60), now.plus(Duration.ofDays(1)))
                + crlPem(forger, now.minusSeconds(60), now.plus(Duration.ofDays(1))));
    }

    /** The current CRL as an object, e.g. to compare with what the broker loaded. */
    public X509CRL crl() {
        Instant now = Instant.now();
        try {
            return new JcaX509CRLConverter().getCRL(crlHolder(root, now.minusSeconds(60), now.plus(Duration.ofDays(1))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- issuing

    private enum Kind { CA, SERVER, CLIENT, OCSP_SIGNER }

    private static Instant[] validNow() {
        Instant now = Instant.now();
        return new Instant[]{now.minus(Duration.ofHours(1)), now.plus(ONE_YEAR)};
    }

    private Authority newAuthority(String cn, String fileName) {
        KeyPair keys = ecKeys();
        X500Name name = x500("CN=" + cn + ",O=Midge Test");
        X509Certificate cert = sign(name, keys, name, keys, null, Kind.CA, validNow(), null);
        Path file = dir.resolve(fileName);
        write(file, pem(cert));
        return new Authority(keys, cert, file);
    }

    private IssuedCertificate issue(Authority ca, String subject, KeyPair keys, KeyEncoding encoding, Kind kind,
                                    Instant[] validity, String fileName) {
        X500Name name = x500(subject.contains("=") ? subject : "CN=" + subject + ",O=Midge Test");
        X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
        X509Certificate cert = sign(name, keys, issuer, ca.keys(), kind == Kind.CLIENT ? ocspUrl : null, kind, validity,
                ca.certificate());
        Path certFile = dir.resolve(fileName + ".crt");
        Path keyFile = dir.resolve(fileName + ".key");
        write(certFile, pem(cert));
        write(keyFile, keyPem(keys, encoding));
        String cn = subject.contains("=") ? commonName(name) : subject;
        return new IssuedCertificate(cn, cert, keys.getPrivate(), certFile, certFile, keyFile);
    }

    /** Parses RFC 2253 order (most specific first), so the DER order is the usual C, O, CN. */
    private static X500Name x500(String rfc2253) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(rfc2253).getEncoded());
    }

    private static String commonName(X500Name name) {
        var rdns = name.getRDNs(org.bouncycastle.asn1.x500.style.BCStyle.CN);
        return rdns.length == 0 ? null : rdns[0].getFirst().getValue().toString();
    }

    private static X509Certificate sign(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                        String ocspUrl,
                                        Kind kind, Instant[] validity, X509Certificate issuerCert) {
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(validity[0]), Date.from(validity[1]),
                    subject, subjectKeys.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    ext.createSubjectKeyIdentifier(subjectKeys.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, issuerCert == null
                    ? ext.createAuthorityKeyIdentifier(subjectKeys.getPublic())
                    : ext.createAuthorityKeyIdentifier(issuerCert));
            if (ocspUrl != null) {
                builder.addExtension(Extension.authorityInfoAccess, false,
                        new org.bouncycastle.asn1.x509.AuthorityInformationAccess(
                                org.bouncycastle.asn1.x509.AccessDescription.id_ad_ocsp,
                                new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
            }
            switch (kind) {
                case OCSP_SIGNER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
                }
                case CA -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
                }
                case SERVER -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
                    builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                            new GeneralName(GeneralName.dNSName, "localhost"),
                            new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
                }
                case CLIENT -> {
                    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    builder.addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                    builder.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
                }
            }
            return new JcaX509CertificateConverter().getCertificate(builder.build(signer(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("issuing " + subject + " failed", e);
        }
    }

    private synchronized String crlPem(Authority ca, Instant thisUpdate, Instant nextUpdate) {
        try {
            return pem(new JcaX509CRLConverter().getCRL(crlHolder(ca, thisUpdate, nextUpdate)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private synchronized X509CRLHolder crlHolder(Authority ca, Instant thisUpdate, Instant nextUpdate) {
        try {
            X509v2CRLBuilder builder = new JcaX509v2CRLBuilder(ca.certificate(), Date.from(thisUpdate));
            builder.setNextUpdate(Date.from(nextUpdate));
            Date revokedAt = Date.from(thisUpdate);
            revoked.getOrDefault(ca.certificate().getSubjectX500Principal(), Map.of())
                    .forEach((serial, reason) -> builder.addCRLEntry(serial, revokedAt, reason));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
            builder.addExtension(Extension.cRLNumber, false,
                    new org.bouncycastle.asn1.x509.CRLNumber(BigInteger.valueOf(SERIALS.incrementAndGet())));
            return builder.build(signer(ca.keys().getPrivate()));
        } catch (Exception e) {
            throw new IllegalStateException("building the CRL failed", e);
        }
    }

    private static ContentSigner signer(PrivateKey key) throws Exception {
        String algorithm = key.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        return new JcaContentSignerBuilder(algorithm).build(key);
    }

    // ---------------------------------------------------------------- keys

    private synchronized KeyPair nextRsaKeys() {
        synchronized (RSA_KEYS) {
            while (RSA_KEYS.size() <= rsaKeysUsed) {
                RSA_KEYS.add(generate("RSA", null));
            }
            return RSA_KEYS.get(rsaKeysUsed++);
        }
    }

    private static KeyPair ecKeys() {
        return generate("EC", new ECGenParameterSpec("secp256r1"));
    }

    private static KeyPair generate(String algorithm, ECGenParameterSpec spec) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(algorithm);
            if (spec != null) {
                generator.initialize(spec);
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- PEM

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static String keyPem(KeyPair keys, KeyEncoding encoding) {
        try {
            PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
            return switch (encoding) {
                case PKCS8 -> pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate());
                case PKCS1 -> pem(new PemObject("RSA PRIVATE KEY", info.parsePrivateKey().toASN1Primitive().getEncoded()));
                case SEC1 -> {
                    // As openssl writes it: the curve named inside, and the public key included.
                    org.bouncycastle.asn1.sec.ECPrivateKey inner =
                            org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                    var publicKey = SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()).getPublicKeyData();
                    var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(), publicKey,
                            info.getPrivateKeyAlgorithm().getParameters());
                    yield pem(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
                }
            };
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes next to the target and renames over it, as config management tools do. */
    public static Path writeAtomically(Path target, String text) {
        try {
            Path temp = Files.createTempFile(target.toAbsolutePath().getParent(), ".tmp-", ".pem");
            Files.writeString(temp, text, StandardCharsets.US_ASCII);
            return Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
