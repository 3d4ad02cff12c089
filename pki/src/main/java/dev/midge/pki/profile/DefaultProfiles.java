package dev.midge.pki.profile;

import dev.midge.pki.store.AtomicFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The profiles a new data directory starts with, written as commented files to edit. */
public final class DefaultProfiles {

    public static final String DEVICE = "device";
    public static final String SERVER = "server";
    /** A cluster node's certificate: CN = node name; it is both ends of the TLS node links. */
    public static final String NODE = "node";

    private static final String HEADER = """
            # Midge certificate profile "%s". Edits apply to the next certificate issued.
            # keys               = RSA MIN-MAX, EC CURVE...   (keys a request may carry; curves P-256 P-384 P-521)
            # validity_days      = days an issued certificate is valid
            # signature_digest   = SHA-256 | SHA-384 | SHA-512
            # key_usage          = digitalSignature keyEncipherment ...  (keyEncipherment is applied to RSA keys only)
            # extended_key_usage = clientAuth | serverAuth ...
            # request_sans       = SAN types copied from a CSR: dns ip email uri, or none
            #                      (the profile governs: other SANs a CSR asks for are left out, with a log line)
            """;

    private static final String DEVICE_BODY = """
            keys = RSA 2048-8192, EC P-256 P-384
            validity_days = 730
            signature_digest = SHA-256
            key_usage = digitalSignature keyEncipherment
            extended_key_usage = clientAuth
            request_sans = none
            """;

    private static final String SERVER_BODY = """
            keys = RSA 2048-8192, EC P-256 P-384
            validity_days = 825
            signature_digest = SHA-256
            key_usage = digitalSignature keyEncipherment
            extended_key_usage = serverAuth
            request_sans = dns ip
            """;

    // serverAuth and clientAuth together tell a node from a device (clientAuth) or a listener (serverAuth).
    private static final String NODE_BODY = """
            keys = RSA 2048-8192, EC P-256 P-384
            validity_days = 825
            signature_digest = SHA-256
            key_usage = digitalSignature keyEncipherment
            extended_key_usage = serverAuth clientAuth
            request_sans = none
            """;

    /**
     * The device profile as releases before request_sans governed SANs wrote it: it let a device
     * ask for any DNS or IP SAN (DNS:*.example.com, IP:127.0.0.1). Found unedited, it is replaced.
     */
    private static final String OLD_DEVICE = """
            # Midge certificate profile "device". Edits apply to the next certificate issued.
            # keys               = RSA MIN-MAX, EC CURVE...   (keys a request may carry; curves P-256 P-384 P-521)
            # validity_days      = days an issued certificate is valid
            # signature_digest   = SHA-256 | SHA-384 | SHA-512
            # key_usage          = digitalSignature keyEncipherment ...  (keyEncipherment is applied to RSA keys only)
            # extended_key_usage = clientAuth | serverAuth ...
            # request_sans       = SAN types a CSR may carry: dns ip email uri, or none
            keys = RSA 2048-8192, EC P-256 P-384
            validity_days = 730
            signature_digest = SHA-256
            key_usage = digitalSignature keyEncipherment
            extended_key_usage = clientAuth
            request_sans = dns ip
            """;

    private DefaultProfiles() {
    }

    /** Writes the default profiles that do not exist yet; edited ones are left alone. */
    public static void writeMissing(Path profilesDir) throws IOException {
        write(profilesDir, DEVICE, DEVICE_BODY);
        write(profilesDir, SERVER, SERVER_BODY);
        write(profilesDir, NODE, NODE_BODY);
    }

    /** Replaces a device profile still exactly as an older release wrote it; edited ones are left alone. */
    public static boolean upgradeUnedited(Path profilesDir) throws IOException {
        Path device = file(profilesDir, DEVICE);
        if (Files.exists(device) && Files.readString(device).equals(OLD_DEVICE)) {
            AtomicFiles.writeString(device, HEADER.formatted(DEVICE) + DEVICE_BODY, false);
            return true;
        }
        return false;
    }

    public static Path file(Path profilesDir, String name) {
        return profilesDir.resolve(name + ".profile");
    }

    private static void write(Path dir, String name, String body) throws IOException {
        Path file = file(dir, name);
        if (!Files.exists(file)) {
            AtomicFiles.writeString(file, HEADER.formatted(name) + body, false);
        }
    }
}
