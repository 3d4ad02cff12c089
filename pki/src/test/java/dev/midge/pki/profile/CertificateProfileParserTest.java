package dev.midge.pki.profile;

import dev.midge.pki.PkiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class CertificateProfileParserTest {

    @TempDir
    Path temp;

    @Test
    void defaultDeviceProfileAllowsRsa2048To8192AndP256P384For730Days() throws Exception {
        DefaultProfiles.writeMissing(temp);
        CertificateProfile device = CertificateProfileParser.parse(DefaultProfiles.file(temp, "device"));
        assertEquals(2048, device.rsaMinBits());
        assertEquals(8192, device.rsaMaxBits());
        assertEquals(Set.of("P-256", "P-384"), device.ecCurves());
        assertEquals(730, device.validityDays());
        assertEquals(List.of("clientAuth"), device.extendedKeyUsage());
        assertEquals("SHA256withECDSA", device.signatureAlgorithm("EC"));
        PkiException e = assertThrows(PkiException.class, () -> device.checkKey(new KeyType("EC", 521, "P-521")));
        assertEquals("EC key on curve P-521 is not allowed by profile device (allowed: RSA 2048-8192, EC P-256 P-384)",
                e.getMessage());
    }

    @Test
    void weakDigestIsRefusedWithFileAndLine() throws Exception {
        DefaultProfiles.writeMissing(temp);
        Path file = DefaultProfiles.file(temp, "device");
        Files.writeString(file, Files.readString(file).replace("signature_digest = SHA-256", "signature_digest = SHA-1"));
        PkiException e = assertThrows(PkiException.class, () -> CertificateProfileParser.parse(file));
        int line = Files.readAllLines(file).indexOf("signature_digest = SHA-1") + 1;
        assertEquals(file + ":" + line + ": signature_digest: SHA-1 is not allowed; use SHA-256, SHA-384 or SHA-512",
                e.getMessage());
    }

    @Test
    void rsaMinimumBelow2048IsRefused() throws Exception {
        Path file = temp.resolve("weak.profile");
        Files.writeString(file, """
                keys = RSA 1024-4096
                validity_days = 10
                signature_digest = SHA-256
                key_usage = digitalSignature
                extended_key_usage = clientAuth
                request_sans = none
                """);
        PkiException e = assertThrows(PkiException.class, () -> CertificateProfileParser.parse(file));
        assertEquals(file + ":1: keys: RSA range 1024-4096 must start at 2048 or more and not be reversed", e.getMessage());
    }
}
