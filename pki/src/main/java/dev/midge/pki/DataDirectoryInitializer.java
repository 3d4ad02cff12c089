package dev.midge.pki;

import dev.midge.pki.issue.CaCredentials;
import dev.midge.pki.issue.CertificateIssuer;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.profile.DefaultProfiles;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.CaKeyStore;
import dev.midge.pki.store.Passphrase;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Creates a data directory: root CA, issuing CA, server certificate, profiles, ACL, CRL. It is
 * built in a sibling temporary directory and renamed into place, so an interrupted first run
 * leaves either nothing or a complete directory, never half a CA.
 */
final class DataDirectoryInitializer {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectoryInitializer.class);

    private static final Duration ROOT_VALIDITY = Duration.ofDays(20 * 365);
    private static final Duration ISSUING_VALIDITY = Duration.ofDays(10 * 365);

    private static final String ACL_HEADER = """
            # Midge ACL (mosquitto acl_file syntax), re-read live by the running broker.
            # `java -jar broker.jar device add ID` appends a block per device:
            #   user ID
            #   topic write /TENANT/ID/attrs
            #   topic read /TENANT/ID/config
            """;

    private DataDirectoryInitializer() {
    }

    /** {@code serverNames}: the server certificate's names, or null for localhost, the host name and the loopbacks. */
    static void initialize(Path dir, GeneralNames serverNames) throws IOException {
        Path target = dir.toAbsolutePath().normalize();
        if (Files.exists(target) && !isEmptyDirectory(target)) {
            throw new PkiException(target + " exists but is not a complete Midge data directory; "
                    + "move it away or choose another --data directory");
        }
        Files.createDirectories(target.getParent());
        Path temp = target.resolveSibling("." + target.getFileName() + ".init-" + HexFormat.of().formatHex(random(4)));
        try {
            build(new DataDirectory(temp), serverNames);
            Files.deleteIfExists(target);
            Files.move(temp, target);
        } finally {
            deleteRecursively(temp);
        }
        LOG.debug("Created the Midge data directory {}: root CA, issuing CA, server certificate, ACL and CRL.", target);
    }

    private static void build(DataDirectory data, GeneralNames serverNames) throws IOException {
        Path dir = data.path();
        Files.createDirectories(dir);
        AtomicFiles.createPrivateDirectory(dir.resolve(DataDirectory.Layout.PRIVATE));
        char[] passphrase = Passphrase.resolveOrGenerate(dir.resolve(DataDirectory.Layout.PASSPHRASE));
        String installation = HexFormat.of().formatHex(random(4));

        KeyPair rootKey = KeyPairs.ec("P-384");
        X509Certificate rootCert = CertificateIssuer.selfSignedRoot(name("Midge Root CA " + installation),
                rootKey, ROOT_VALIDITY);
        CaCredentials root = new CaCredentials(rootCert, rootKey.getPrivate());
        KeyPair issuingKey = KeyPairs.ec("P-384");
        X509Certificate issuingCert = CertificateIssuer.intermediate(name("Midge Issuing CA " + installation),
                issuingKey.getPublic(), root, ISSUING_VALIDITY);
        CaCredentials issuing = new CaCredentials(issuingCert, issuingKey.getPrivate());

        CaKeyStore.save(dir.resolve(DataDirectory.Layout.ROOT_CA_KEY), rootKey.getPrivate(), rootCert, passphrase);
        CaKeyStore.save(dir.resolve(DataDirectory.Layout.ISSUING_CA_KEY), issuingKey.getPrivate(), issuingCert, passphrase);
        AtomicFiles.writeString(data.rootCertificate(), Pem.encode(rootCert), false);
        AtomicFiles.writeString(data.issuingCertificate(), Pem.encode(issuingCert), false);
        AtomicFiles.writeString(data.caChain(), Pem.encode(issuingCert, rootCert), false);
        DefaultProfiles.writeMissing(data.profilesDirectory());
        AtomicFiles.writeString(data.aclFile(), ACL_HEADER, false);

        CertificateAuthority ca = new CertificateAuthority(data, root, issuing);
        issueServerCertificate(data, ca, issuingCert, serverNames);
        ca.crlPublisher().publish();
    }

    /**
     * A later run re-issues the server certificate (new key, same names) once it is within
     * {@code threshold} of expiring, so a broker that is simply restarted now and then never
     * presents an expired certificate; for {@code serverNames}, or null for the defaults. Returns true if it did.
     */
    static boolean renewServerCertificateIfExpiring(DataDirectory data, Duration threshold, GeneralNames serverNames)
            throws IOException {
        X509Certificate current = Pem.readCertificates(data.serverCertificate()).get(0);
        if (current.getNotAfter().toInstant().isAfter(java.time.Instant.now().plus(threshold))) {
            return false;
        }
        issueServerCertificate(data, data.authority(), data.issuingCaCertificate(), serverNames);
        LOG.info("Renewed the server certificate {} (it expired at {}).", data.serverCertificate(),
                current.getNotAfter().toInstant());
        return true;
    }

    private static void issueServerCertificate(DataDirectory data, CertificateAuthority ca, X509Certificate issuingCert,
            GeneralNames serverNames) throws IOException {
        String host = hostName();
        KeyPair serverKey = KeyPairs.ec("P-256");
        IssuedCertificate server = ca.issue(host, SubjectPublicKeyInfo.getInstance(serverKey.getPublic().getEncoded()),
                serverNames != null ? serverNames : defaultServerNames(host), DefaultProfiles.SERVER);
        // Key first: a reader that sees the new certificate must find its key (the broker reloads both).
        AtomicFiles.writeString(data.serverKey(), Pem.encodePrivateKey(serverKey.getPrivate()), true);
        AtomicFiles.writeString(data.serverCertificate(), Pem.encode(server.certificate(), issuingCert), false);
    }

    private static GeneralNames defaultServerNames(String host) {
        Set<GeneralName> names = new LinkedHashSet<>();
        names.add(new GeneralName(GeneralName.dNSName, "localhost"));
        if (!host.equals("localhost")) {
            names.add(new GeneralName(GeneralName.dNSName, host));
        }
        names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        names.add(new GeneralName(GeneralName.iPAddress, "::1"));
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    /** The machine's name for the server certificate; "localhost" if it has none usable. */
    private static String hostName() {
        try {
            String host = InetAddress.getLocalHost().getHostName();
            CertificateAuthority.checkCommonName(host);
            return host;
        } catch (IOException | PkiException e) {
            return "localhost";
        }
    }

    private static X500Name name(String commonName) {
        return new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "Midge").addRDN(BCStyle.CN, commonName).build();
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }

    private static boolean isEmptyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.findAny().isEmpty();
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
