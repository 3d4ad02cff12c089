package dev.midge.tls;

import dev.midge.testing.OpenSsl;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * Client certificates whose subjects are encoded in unusual ways, made by the openssl command
 * line (string_mask picks the CN's ASN.1 string type; -multivalue-rdn; -utf8) under a CA of
 * their own. OpenSSL will not put an IA5String or UniversalString in a CN, so those two are
 * signed with BouncyCastle under the same openssl-made CA.
 */
final class OddlyEncodedDevices {

    /** One device: certificate and key files for mosquitto_pub --cert/--key. */
    record Device(Path certFile, Path keyFile) {
    }

    private final Path dir;
    private final Path caFile;
    private final Path caKey;

    OddlyEncodedDevices(Path dir) throws Exception {
        this(dir, "/O=Midge/CN=Odd Names CA");
    }

    /** @param caSubject the CA's subject, as for openssl -subj */
    OddlyEncodedDevices(Path dir, String caSubject) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.caFile = dir.resolve("odd-ca.crt");
        this.caKey = dir.resolve("odd-ca.key");
        String[] req = {"req", "-x509", "-new", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-utf8", "-keyout", caKey.toString(), "-out", caFile.toString(), "-days", "2",
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"};
        openssl(withSubject(req, "ca", "utf8only", caSubject));
    }

    Path caFile() {
        return caFile;
    }

    /**
     * @param stringMask OpenSSL's req string_mask: "utf8only", "MASK:0x800" (BMPString),
     *                   "MASK:0x4" (TeletexString), "MASK:0x2" (PrintableString)
     * @param subject    as for openssl -subj (UTF-8), e.g. "/O=Midge/CN=mon"
     */
    Device byOpenSsl(String name, String stringMask, String subject, String... extraReqArgs) throws Exception {
        Path key = dir.resolve(name + ".key");
        Path csr = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".crt");
        String[] req = withSubject(new String[]{"req", "-new", "-nodes", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-utf8", "-keyout", key.toString(), "-out", csr.toString()},
                name, stringMask, subject);
        String[] all = new String[req.length + extraReqArgs.length];
        System.arraycopy(req, 0, all, 0, req.length);
        System.arraycopy(extraReqArgs, 0, all, req.length, extraReqArgs.length);
        openssl(all);
        openssl("x509", "-req", "-in", csr.toString(), "-CA", caFile.toString(), "-CAkey", caKey.toString(),
                "-CAcreateserial", "-days", "1", "-out", cert.toString());
        return new Device(cert, key);
    }

    /**
     * The req arguments plus a config naming string_mask and the subject. A non-ASCII subject
     * goes in the config file (UTF-8), not on a command line whose encoding depends on the
     * locale the tests run in.
     */
    private String[] withSubject(String[] req, String name, String stringMask, String subject) throws Exception {
        boolean ascii = subject.chars().allMatch(c -> c < 0x80);
        // In the config file a newline is written as OpenSSL's \\n escape.
        String dn = ascii ? "" : String.join("\n", subject.substring(1).replace("\n", "\\n").split("/")) + "\n";
        Path cnf = Files.writeString(dir.resolve(name + ".cnf"), "[req]\ndistinguished_name=dn\nstring_mask="
                + stringMask + (ascii ? "" : "\nprompt=no") + "\n[dn]\n" + dn, java.nio.charset.StandardCharsets.UTF_8);
        String[] args = java.util.Arrays.copyOf(req, req.length + (ascii ? 4 : 2));
        args[req.length] = "-config";
        args[req.length + 1] = cnf.toString();
        if (ascii) {
            args[req.length + 2] = "-subj";
            args[req.length + 3] = subject;
        }
        return args;
    }

    /** A device whose subject is O=Midge plus a CN with exactly this ASN.1 value. */
    Device byBouncyCastle(String name, ASN1Encodable commonName) throws Exception {
        X509Certificate ca;
        try (var in = Files.newInputStream(caFile)) {
            ca = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        PrivateKey signingKey;
        try (PEMParser parser = new PEMParser(Files.newBufferedReader(caKey))) {
            signingKey = new JcaPEMKeyConverter().getPrivateKey((PrivateKeyInfo) parser.readObject());
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name(new RDN[]{new RDN(BCStyle.O, new org.bouncycastle.asn1.DERUTF8String("Midge")),
                new RDN(BCStyle.CN, commonName)});
        Instant now = Instant.now();
        var builder = new JcaX509v3CertificateBuilder(new JcaX509CertificateHolder(ca).getSubject(),
                BigInteger.valueOf(now.toEpochMilli()), Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
        byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signingKey)).getEncoded();
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        Files.writeString(cert, pem(new org.bouncycastle.util.io.pem.PemObject("CERTIFICATE", der)));
        // PKCS#8: OpenSSL 3 cannot load BouncyCastle's SEC1 form of this key.
        Files.writeString(key, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(keys.getPrivate(), null)));
        return new Device(cert, key);
    }

    /** The ASN.1 type openssl reports for the certificate's CN, e.g. "BMPSTRING". */
    static String commonNameType(Path certFile) {
        String dump = openssl("asn1parse", "-in", certFile.toString());
        String afterCn = dump.substring(dump.lastIndexOf(":commonName"));
        return afterCn.lines().skip(1).findFirst().orElseThrow().replaceAll(".*prim: (\\S+).*", "$1");
    }

    private static String pem(Object object) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }

    private static String openssl(String... args) {
        OpenSsl.Result result = OpenSsl.run(args);
        if (!result.succeeded()) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + result.output());
        }
        return result.output();
    }
}
