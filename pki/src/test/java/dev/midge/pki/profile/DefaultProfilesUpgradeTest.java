package dev.midge.pki.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A data directory made by an older release gets the device profile that copies no requested SANs, unless edited. */
class DefaultProfilesUpgradeTest {

    /** Byte for byte what releases before request_sans governed SANs wrote. */
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

    @TempDir
    Path dir;

    @Test
    void anUneditedOldDeviceProfileIsReplaced() throws Exception {
        Path file = DefaultProfiles.file(dir, DefaultProfiles.DEVICE);
        Files.writeString(file, OLD_DEVICE);

        assertTrue(DefaultProfiles.upgradeUnedited(dir));

        assertEquals(Set.of(), CertificateProfileParser.parse(file).requestSans());
    }

    @Test
    void anEditedDeviceProfileIsLeftAlone() throws Exception {
        Path file = DefaultProfiles.file(dir, DefaultProfiles.DEVICE);
        Files.writeString(file, OLD_DEVICE + "# our devices need their DNS names\n");

        assertFalse(DefaultProfiles.upgradeUnedited(dir));

        assertEquals(Set.of("dns", "ip"), CertificateProfileParser.parse(file).requestSans());
    }
}
