package dev.midge.cli.admin;

import dev.midge.acl.edit.AclEntry;
import dev.midge.acl.edit.AclFileEditor;
import dev.midge.cli.IoErrors;
import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.enrollment.EnrollmentRegistry;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.profile.CertificateProfile;
import dev.midge.pki.profile.KeyType;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** {@code device add ID}: issues the device's certificate (or an enrollment secret) and grants its topics. */
@Command(name = "add", mixinStandardHelpOptions = true,
        description = {"Issue a certificate for device ID (CN=ID) and add its ACL entries.",
                "The ACL block is: user ID, topic write /TENANT/ID/attrs, topic read /TENANT/ID/config, then the"
                        + " --acl lines (only those with --no-default-acl).",
                "Writes OUTDIR/ID.key (when generated, 0600), OUTDIR/ID.crt and OUTDIR/ca.crt. An ID that already"
                        + " has a valid certificate is refused unless --force."})
final class DeviceAddCommand extends DataDirectoryCommand {

    @Parameters(index = "0", paramLabel = "ID", description = "device ID: the certificate's CN and the MQTT username")
    String id;

    @Option(names = "--out", paramLabel = "OUTDIR", description = "where to write ID.key, ID.crt and ca.crt")
    Path out;

    @Option(names = "--tenant", paramLabel = "T", defaultValue = "admin",
            description = "first topic level of the device's topics (default: ${DEFAULT-VALUE})")
    String tenant;

    @Option(names = "--acl", paramLabel = "'ACCESS FILTER'",
            description = "extra ACL line, e.g. 'read /#' (ACCESS: read|write|readwrite|deny); repeatable")
    List<String> acl = new ArrayList<>();

    @Option(names = "--no-default-acl",
            description = "grant only the --acl lines, not /TENANT/ID/attrs and /TENANT/ID/config"
                    + " (for service accounts such as an IoT agent reading /#)")
    boolean noDefaultAcl;

    @Option(names = "--force",
            description = "issue even though ID already has a valid certificate (the old one stays valid;"
                    + " the files in OUTDIR are replaced)")
    boolean force;

    @Option(names = "--csr", paramLabel = "FILE", description = "sign this PKCS#10 request instead of generating a key")
    Path csr;

    @Option(names = "--days", paramLabel = "N", description = "validity in days (at most the profile's)")
    Integer days;

    @Option(names = "--profile", paramLabel = "NAME", defaultValue = "device",
            description = "certificate profile in DIR/profiles (default: ${DEFAULT-VALUE})")
    String profile;

    @Option(names = "--key-type", paramLabel = "ec|rsa", defaultValue = "ec",
            description = "type of a generated key (default: ${DEFAULT-VALUE}: P-256; rsa: 2048 bits)")
    String keyType;

    @Option(names = "--key-size", paramLabel = "BITS", defaultValue = "0",
            description = "RSA modulus bits, or EC curve size (256, 384)")
    int keySize;

    @Option(names = "--enroll", description = "create a one-time enrollment secret instead of a certificate")
    boolean enroll;

    @Option(names = "--enroll-days", paramLabel = "N", defaultValue = "7",
            description = "days the enrollment secret stays valid (default: ${DEFAULT-VALUE})")
    int enrollDays;

    @Override
    int run() throws IOException {
        CertificateAuthority.checkCommonName(id);
        if (!tenant.matches("[A-Za-z0-9._-]+")) {
            throw new AdminException("--tenant '" + tenant + "': use letters, digits, '.', '_' and '-' only");
        }
        List<AclEntry> entries = new ArrayList<>();
        if (!noDefaultAcl) {
            entries.add(new AclEntry("write", "/" + tenant + "/" + id + "/attrs"));
            entries.add(new AclEntry("read", "/" + tenant + "/" + id + "/config"));
        }
        for (String line : acl) {
            entries.add(AclEntry.parse(line));
        }
        DataDirectoryOptions.Resolved where = location.resolve();
        AclFileEditor aclFile = new AclFileEditor(where.aclFile());
        aclFile.hasUser(id); // fails now, before anything is issued, if the ACL file is missing
        CertificateProfile certificateProfile = where.data().profile(profile);
        if (days != null) {
            certificateProfile = certificateProfile.withValidityDays(days);
        }

        if (!force) {
            refuseIfAlreadyIssued(where.data());
        }
        if (enroll) {
            enroll(where.data(), certificateProfile);
            aclFile.addEntries(id, entries);
            printGrant(where.aclFile(), entries);
        } else {
            issueAndGrant(where.data(), certificateProfile, aclFile, where.aclFile(), entries);
        }
        return 0;
    }

    /** A second certificate for the same ID is usually a typo or a script run twice, and replaces the key files. */
    private void refuseIfAlreadyIssued(DataDirectory data) {
        Instant now = Instant.now();
        List<IndexEntry> valid = data.index().entries().stream()
                .filter(e -> e.commonName().equals(id) && e.isValid(now)).toList();
        if (!valid.isEmpty()) {
            IndexEntry latest = valid.get(valid.size() - 1);
            throw new AdminException(id + " already has a valid certificate, serial "
                    + valid.stream().map(e -> SerialNumber.format(e.serial())).collect(Collectors.joining(", "))
                    + " (valid until " + latest.notAfter() + "); give --force to issue another one");
        }
    }

    private void issueAndGrant(DataDirectory data, CertificateProfile certificateProfile, AclFileEditor aclFile,
                               Path aclPath, List<AclEntry> entries) throws IOException {
        if (out == null) {
            throw new AdminException("--out OUTDIR is required: where ID.crt and ca.crt are written");
        }
        DeviceOutputDirectory.check(out);
        CertificateAuthority ca = data.authority();
        KeyPair key = null;
        IssuedCertificate issued;
        if (csr != null) {
            issued = ca.signRequest(id, Pem.readCertificationRequest(csr), certificateProfile);
        } else {
            key = KeyPairs.generate(keyType, keySize);
            SubjectPublicKeyInfo publicKey = SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded());
            certificateProfile.checkKey(KeyType.of(publicKey));
            issued = ca.issue(id, publicKey, null, certificateProfile);
        }
        String serial = SerialNumber.format(issued.entry().serial());
        OutputFiles files = null;
        try {
            files = OutputFiles.staged(out);
            if (key != null) {
                files.key(id, key.getPrivate());
            }
            files.certificate(id, issued.certificate());
            files.caChain(data);
            files.commit();
            aclFile.addEntries(id, entries);
        } catch (IOException | RuntimeException e) {
            if (files != null) {
                files.discard();
            }
            throw new AdminException(IoErrors.describe(e) + "; " + withdraw(ca, issued, serial));
        }
        out().println("Issued certificate " + serial + " for " + id + " (profile "
                + certificateProfile.name() + ", valid until " + issued.entry().notAfter() + ").");
        out().println("Wrote " + files.written().stream().map(Path::toString).collect(Collectors.joining(", ")));
        printGrant(aclPath, entries);
    }

    /**
     * The index cannot forget a certificate once issued (its serial is spent and may already be
     * on disk in certs/), so a certificate whose files or ACL could not be written is revoked:
     * the CRL then says plainly that it must never be used.
     */
    private static String withdraw(CertificateAuthority ca, IssuedCertificate issued, String serial) {
        try {
            ca.revoke(issued.entry().serial(), RevocationReason.cessationOfOperation);
            return "revoked the certificate just issued, " + serial + " (cessationOfOperation), so that no valid"
                    + " certificate is left without its files; nothing else was changed";
        } catch (IOException | RuntimeException e) {
            return "the certificate just issued, " + serial + ", could not be revoked either (" + IoErrors.describe(e)
                    + "): it stays valid without its files; revoke it with `device revoke " + issued.entry().commonName()
                    + "` once that is fixed";
        }
    }

    private void printGrant(Path aclPath, List<AclEntry> entries) {
        out().println("ACL " + aclPath + ": user " + id + ": "
                + (entries.isEmpty() ? "no topics" : entries.stream().map(AclEntry::line).collect(Collectors.joining(", "))));
    }

    private void enroll(DataDirectory data, CertificateProfile certificateProfile) throws IOException {
        if (csr != null) {
            throw new AdminException("--enroll and --csr exclude each other: the device sends its CSR when it enrols");
        }
        if (days != null) {
            throw new AdminException("--days does not apply with --enroll: enrolled certificates get the profile's"
                    + " validity (edit " + data.profilesDirectory() + "/" + profile + ".profile)");
        }
        if (enrollDays < 1) {
            throw new AdminException("--enroll-days must be at least 1");
        }
        EnrollmentRegistry registry = data.enrollments();
        String secret = registry.register(id, certificateProfile.name(), Duration.ofDays(enrollDays));
        if (out != null) {
            DeviceOutputDirectory.check(out);
            OutputFiles files = new OutputFiles(out);
            files.caChain(data);
            out().println("Wrote " + files.written().get(0));
        }
        out().println("Enrollment secret for " + id + " (one use, valid until "
                + Instant.now().plus(Duration.ofDays(enrollDays)) + "; shown only now):");
        out().println(secret);
    }
}
