package dev.midge.cli.admin;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** {@code enroll}: a device obtains its certificate over EST with its one-time secret. */
@Command(name = "enroll", mixinStandardHelpOptions = true,
        description = {"Enrol this device with a Midge enrollment server (EST, RFC 7030).",
                "Generates a key and a CSR (CN=ID), redeems the one-time secret, and writes OUT/ID.key, OUT/ID.crt"
                        + " and OUT/ca.crt."})
public final class EnrollCommand extends AdminCommand {

    @Option(names = "--url", required = true, paramLabel = "URL", description = "e.g. https://broker.example:8443")
    URI url;

    @Option(names = "--id", required = true, paramLabel = "ID", description = "this device's ID")
    String id;

    @Option(names = "--secret", required = true, paramLabel = "S", description = "the one-time enrollment secret")
    String secret;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "certs", description = "output directory (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--key-size", paramLabel = "N", description = "generate an RSA key of N bits (default: EC P-256)")
    Integer keySize;

    @Option(names = "--dns", paramLabel = "NAME", description = "DNS name to put in the certificate; repeatable")
    List<String> dnsNames = new ArrayList<>();

    @Option(names = "--ip", paramLabel = "ADDR", description = "IP address to put in the certificate; repeatable")
    List<String> ipAddresses = new ArrayList<>();

    @Option(names = "--cafile", paramLabel = "CA", description = "PEM CA chain the enrollment server is checked against")
    Path caFile;

    @Option(names = "--insecure-skip-verify", description = "do not check the server's certificate (first contact only)")
    boolean insecure;

    @Override
    int run() throws IOException {
        CertificateAuthority.checkCommonName(id);
        if (!url.getScheme().equals("https")) {
            throw new AdminException("--url must be https: the secret and key must not travel in clear");
        }
        try {
            EstClient est = new EstClient(url, caFile, insecure);
            List<X509Certificate> chain = est.caCertificates();
            KeyPair key = keySize != null ? KeyPairs.rsa(keySize) : KeyPairs.ec("P-256");
            X509Certificate certificate = est.simpleEnroll(id, secret, csr(key));
            AtomicFiles.writeString(out.resolve(id + ".key"), Pem.encodePrivateKey(key.getPrivate()), true);
            AtomicFiles.writeString(out.resolve(id + ".crt"), Pem.encode(certificate), false);
            AtomicFiles.writeString(out.resolve("ca.crt"), Pem.encode(chain.toArray()), false);
            out().println("Enrolled " + id + ": certificate " + SerialNumber.format(certificate.getSerialNumber())
                    + " valid until " + certificate.getNotAfter().toInstant() + "; wrote " + out.resolve(id + ".key")
                    + ", " + out.resolve(id + ".crt") + ", " + out.resolve("ca.crt"));
            return 0;
        } catch (GeneralSecurityException e) {
            throw new AdminException("cannot set up TLS for " + url + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminException("interrupted");
        }
    }

    private byte[] csr(KeyPair key) throws IOException {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, id).build();
        PKCS10CertificationRequestBuilder builder = new JcaPKCS10CertificationRequestBuilder(subject, key.getPublic());
        List<GeneralName> names = new ArrayList<>();
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        for (String ip : ipAddresses) {
            try {
                names.add(new GeneralName(GeneralName.iPAddress, ip));
            } catch (IllegalArgumentException e) {
                throw new AdminException("--ip " + ip + ": not an IP address");
            }
        }
        if (!names.isEmpty()) {
            ExtensionsGenerator extensions = new ExtensionsGenerator();
            extensions.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            builder.addAttribute(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
        }
        String algorithm = key.getPublic().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return builder.build(new JcaContentSignerBuilder(algorithm).build(key.getPrivate())).getEncoded();
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign the CSR", e);
        }
    }
}
