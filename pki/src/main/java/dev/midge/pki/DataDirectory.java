package dev.midge.pki;

import dev.midge.pki.crl.CrlCoverage;
import dev.midge.pki.crl.CrlPublisher;
import dev.midge.pki.crl.CrlRenewer;
import dev.midge.pki.enrollment.EnrollmentRegistry;
import dev.midge.pki.index.CertificateIndex;
import dev.midge.pki.issue.CaCredentials;
import dev.midge.pki.profile.CertificateProfile;
import dev.midge.pki.profile.CertificateProfileParser;
import dev.midge.pki.profile.DefaultProfiles;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.CaKeyStore;
import dev.midge.pki.store.CaTokenKey;
import dev.midge.pki.store.Passphrase;
import dev.midge.pki.store.Pem;

import org.bouncycastle.asn1.x509.GeneralNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;

/**
 * The files of Midge's own CA and secure default, and where each one lives:
 * <pre>
 *   midge.conf            generated broker configuration
 *   ca.crt                issuing CA + root: the chain clients are checked against
 *   root-ca.crt, issuing-ca.crt
 *   server.crt, server.key
 *   acl, crl.pem          watched live by the running broker
 *   index.txt, crlnumber  every issued certificate; the CRL counter
 *   certs/SERIAL.pem      every issued certificate, in full
 *   profiles/*.profile    certificate profiles, editable
 *   end-entities.txt      pending enrollments (hashed one-time secrets)
 *   ocsp-url              the OCSP URL issued certificates carry (absent: none)
 *   ocsp-responder.crt    the delegated OCSP responder (key: private/ocsp-responder.key), renewed before expiry
 *   private/              0700: root-ca.p12, issuing-ca.p12 (encrypted), ca.passphrase (0600)
 *                         or, with the issuing CA key in an HSM, issuing-ca.pkcs11 (its PKCS#11 URI) instead of issuing-ca.p12
 * </pre>
 */
public final class DataDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(DataDirectory.class);

    /** A restart within this time of the server certificate's expiry re-issues it. */
    private static final java.time.Duration SERVER_RENEWAL_THRESHOLD = java.time.Duration.ofDays(30);

    private final Path dir;
    private CertificateAuthority authority;

    /** Package-private: the initializer fills a directory that is not complete yet. */
    DataDirectory(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * The one call behind the broker's secure default: creates the CA, server certificate,
     * ACL, CRL and conf on first run; later runs reuse them (the conf is regenerated, so a
     * different port takes effect; a server certificate within 30 days of expiry is re-issued). Slow on first run (key generation): not on an event loop.
     */
    public static SecureDefault openOrInitialize(Path dir, int port) {
        return openOrInitialize(dir, port, null);
    }

    /**
     * As {@link #openOrInitialize(Path, int)}, with the names a server certificate issued now (first
     * run, renewal) is for: the caller's list, so it is not issued once more to change them.
     */
    public static SecureDefault openOrInitialize(Path dir, int port, GeneralNames serverNames) {
        try {
            boolean created = false;
            if (!hasIssuingKey(dir)) {
                DataDirectoryInitializer.initialize(dir, serverNames);
                created = true;
            }
            DataDirectory data = open(dir);
            if (!created) {
                DataDirectoryInitializer.renewServerCertificateIfExpiring(data, SERVER_RENEWAL_THRESHOLD, serverNames);
                DefaultProfiles.writeMissing(data.profilesDirectory()); // profiles added since (node)
                if (DefaultProfiles.upgradeUnedited(data.profilesDirectory())) {
                    LOG.info("Upgraded the unedited device profile {}: SANs a device's CSR asks for are no longer"
                            + " copied into its certificate (request_sans = none).",
                            DefaultProfiles.file(data.profilesDirectory(), DefaultProfiles.DEVICE));
                }
            }
            data.writeConf(port);
            data.repairCrl();
            return new SecureDefault(data.conf(), data.caChain(), data.serverCertificate(), data.serverKey(),
                    data.aclFile(), data.crlFile(), data.dir, created);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot set up the data directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** An existing data directory; the CA keys are unlocked only when first needed. */
    public static DataDirectory open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new PkiException(dir + ": no such data directory (run the broker once without -c to create it)");
        }
        if (!hasIssuingKey(dir)) {
            throw new PkiException(dir + ": not a Midge data directory (no " + Layout.ISSUING_CA_KEY + ")");
        }
        return new DataDirectory(dir);
    }

    private static boolean hasIssuingKey(Path dir) {
        return Files.exists(dir.resolve(Layout.ISSUING_CA_KEY)) || Files.exists(dir.resolve(Layout.ISSUING_CA_TOKEN));
    }

    /** Whether the issuing CA signs in a PKCS#11 token (see {@link #moveIssuingKeyToToken}). */
    public boolean issuingKeyInToken() {
        return Files.exists(dir.resolve(Layout.ISSUING_CA_TOKEN));
    }

    /**
     * From now on the issuing CA signs with its key in a PKCS#11 token: checks that the key the URI
     * names signs for issuing-ca.crt, records the URI, and deletes issuing-ca.p12, so the key
     * exists only in the token. The root CA key stays in root-ca.p12 (it signs the root's CRL).
     */
    public synchronized void moveIssuingKeyToToken(String uri) throws IOException {
        CaTokenKey.save(dir.resolve(Layout.ISSUING_CA_TOKEN), uri, issuingCaCertificate());
        Files.deleteIfExists(dir.resolve(Layout.ISSUING_CA_KEY));
        authority = null;   // the next use signs with the token
    }

    public Path path() { return dir; }
    public Path conf() { return dir.resolve(Layout.CONF); }
    public Path caChain() { return dir.resolve(Layout.CA_CHAIN); }
    public Path rootCertificate() { return dir.resolve(Layout.ROOT_CA_CERT); }
    public Path issuingCertificate() { return dir.resolve(Layout.ISSUING_CA_CERT); }
    public Path serverCertificate() { return dir.resolve(Layout.SERVER_CERT); }
    public Path serverKey() { return dir.resolve(Layout.SERVER_KEY); }
    public Path aclFile() { return dir.resolve(Layout.ACL); }
    public Path crlFile() { return dir.resolve(Layout.CRL); }
    public Path profilesDirectory() { return dir.resolve(Layout.PROFILES); }
    public Path certificatesDirectory() { return dir.resolve(Layout.CERTS); }
    public Path ocspResponderCertificate() { return dir.resolve(Layout.OCSP_RESPONDER_CERT); }
    public Path ocspResponderKey() { return dir.resolve(Layout.OCSP_RESPONDER_KEY); }

    /**
     * The OCSP URL put into certificates issued from now on (authorityInfoAccess), or null for
     * none. A file, not a flag, because certificates are issued by the CLI as well as by the
     * running broker, and both must write the same URL.
     */
    public String ocspUrl() {
        Path file = dir.resolve(Layout.OCSP_URL);
        try {
            if (!Files.exists(file)) {
                return null;
            }
            String url = Files.readString(file).strip();
            return url.isEmpty() ? null : url;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Sets (or with null removes) the OCSP URL of {@link #ocspUrl()}. */
    public void ocspUrl(String url) throws IOException {
        Path file = dir.resolve(Layout.OCSP_URL);
        if (url == null) {
            Files.deleteIfExists(file);
        } else if (!url.equals(ocspUrl())) {
            AtomicFiles.writeString(file, url + "\n", false);
        }
    }

    public CertificateIndex index() {
        return new CertificateIndex(dir.resolve(Layout.INDEX));
    }

    public EnrollmentRegistry enrollments() {
        return new EnrollmentRegistry(dir.resolve(Layout.END_ENTITIES));
    }

    public CertificateProfile profile(String name) {
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw new PkiException("'" + name + "' is not a profile name (letters, digits, - and _)");
        }
        return CertificateProfileParser.parse(DefaultProfiles.file(profilesDirectory(), name));
    }

    /** The root and issuing CA certificates (no keys needed). */
    public X509Certificate rootCaCertificate() {
        return Pem.readCertificates(rootCertificate()).get(0);
    }

    public X509Certificate issuingCaCertificate() {
        return Pem.readCertificates(issuingCertificate()).get(0);
    }

    /** A certificate this CA issued, as stored when it was issued (no keys needed). */
    public X509Certificate certificate(java.math.BigInteger serial) {
        return CertificateAuthority.storedCertificate(this, serial);
    }

    /** The issuing CA, keys unlocked with the passphrase (env or file). */
    public synchronized CertificateAuthority authority() {
        if (authority == null) {
            char[] passphrase = Passphrase.resolve(dir.resolve(Layout.PASSPHRASE));
            CaCredentials root = new CaCredentials(rootCaCertificate(),
                    CaKeyStore.loadKey(dir.resolve(Layout.ROOT_CA_KEY), passphrase));
            CaCredentials issuing = issuingKeyInToken()
                    ? CaTokenKey.load(dir.resolve(Layout.ISSUING_CA_TOKEN), issuingCaCertificate())
                    : new CaCredentials(issuingCaCertificate(),
                            CaKeyStore.loadKey(dir.resolve(Layout.ISSUING_CA_KEY), passphrase));
            authority = new CertificateAuthority(this, root, issuing);
        }
        return authority;
    }

    /**
     * Re-issues the CRL from the index if it lacks a revocation the index has (a revoke killed
     * between its two writes) or is missing; called before the broker's listener opens, so a
     * device revoked in the index is never accepted. Unlocks the CA keys only if it must sign.
     *
     * @return whether it re-issued the CRL
     */
    public boolean repairCrl() throws IOException {
        String gap = CrlCoverage.gap(crlFile(), issuingCaCertificate(), index().entries());
        if (gap == null) {
            return false;
        }
        authority().crlPublisher().publish();
        LOG.warn("Re-issued the CRL {} from the index {}: {}.", crlFile(), dir.resolve(Layout.INDEX), gap);
        return true;
    }

    /** For the broker to call periodically: re-issues the CRL before it goes stale. */
    public CrlRenewer crlRenewer() {
        return new CrlRenewer(crlFile(), () -> authority().crlPublisher(),
                () -> CrlCoverage.gap(crlFile(), issuingCaCertificate(), index().entries()));
    }

    /** For the running broker: {@code DataDirectory.open(dir).crlRenewer()} in one call. */
    public static CrlRenewer crlRenewer(Path dir) {
        return open(dir).crlRenewer();
    }

    CrlPublisher newCrlPublisher(CertificateIndex index, CaCredentials root, CaCredentials issuing) {
        return new CrlPublisher(crlFile(), index, root, issuing, CrlPublisher.DEFAULT_LIFETIME);
    }

    private void writeConf(int port) throws IOException {
        String text = """
                # Generated by Midge for the data directory %1$s; rewritten on every start of the
                # secure default. To customise it, copy it elsewhere and run: java -jar broker.jar -c COPY
                listener %2$d
                cafile %3$s
                certfile %4$s
                keyfile %5$s
                require_certificate true
                use_identity_as_username true
                acl_file %6$s
                crlfile %7$s
                """.formatted(dir, port, caChain(), serverCertificate(), serverKey(), aclFile(), crlFile());
        if (!Files.exists(conf()) || !Files.readString(conf()).equals(text)) {
            AtomicFiles.writeString(conf(), text, false);
        }
    }

    /** File names inside the data directory. */
    static final class Layout {
        static final String CONF = "midge.conf";
        static final String CA_CHAIN = "ca.crt";
        static final String ROOT_CA_CERT = "root-ca.crt";
        static final String ISSUING_CA_CERT = "issuing-ca.crt";
        static final String SERVER_CERT = "server.crt";
        static final String SERVER_KEY = "server.key";
        static final String ACL = "acl";
        static final String CRL = "crl.pem";
        static final String INDEX = "index.txt";
        static final String CERTS = "certs";
        static final String PROFILES = "profiles";
        static final String END_ENTITIES = "end-entities.txt";
        static final String OCSP_URL = "ocsp-url";
        static final String OCSP_RESPONDER_CERT = "ocsp-responder.crt";
        static final String PRIVATE = "private";
        static final String OCSP_RESPONDER_KEY = PRIVATE + "/ocsp-responder.key";
        static final String ROOT_CA_KEY = PRIVATE + "/root-ca.p12";
        static final String ISSUING_CA_KEY = PRIVATE + "/issuing-ca.p12";
        static final String ISSUING_CA_TOKEN = PRIVATE + "/issuing-ca.pkcs11";
        static final String PASSPHRASE = PRIVATE + "/ca.passphrase";

        private Layout() {
        }
    }
}
