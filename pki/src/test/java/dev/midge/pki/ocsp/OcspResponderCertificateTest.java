package dev.midge.pki.ocsp;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The delegated responder certificate: issued once, kept in the data directory, renewed before it expires. */
class OcspResponderCertificateTest {

    @TempDir
    Path temp;

    @Test
    void responderIsDelegatedByTheIssuingCaAndKeptAcrossStarts() throws Exception {
        DataDirectory data = DataDirectory.open(DataDirectory.openOrInitialize(temp.resolve("data"), 8883).dataDirectory());
        X509Certificate first = new OcspResponderCertificate(data, Clock.systemUTC()).signer().certificate();

        assertEquals(data.issuingCaCertificate().getSubjectX500Principal(), first.getIssuerX500Principal());
        first.verify(data.issuingCaCertificate().getPublicKey());
        assertEquals("1.3.6.1.5.5.7.3.9", first.getExtendedKeyUsage().get(0)); // id-kp-OCSPSigning
        assertNotNull(first.getExtensionValue(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck.getId()));
        assertEquals(first, Pem.readCertificates(data.ocspResponderCertificate()).get(0));

        X509Certificate again = new OcspResponderCertificate(data, Clock.systemUTC()).signer().certificate();
        assertEquals(first, again);
    }

    @Test
    void responderCloseToExpiryIsRenewed() throws Exception {
        DataDirectory data = DataDirectory.open(DataDirectory.openOrInitialize(temp.resolve("data"), 8883).dataDirectory());
        X509Certificate first = new OcspResponderCertificate(data, Clock.systemUTC()).signer().certificate();

        Clock later = Clock.offset(Clock.system(ZoneOffset.UTC),
                OcspResponderCertificate.VALIDITY.minus(OcspResponderCertificate.RENEW_BEFORE).plus(Duration.ofDays(1)));
        X509Certificate renewed = new OcspResponderCertificate(data, later).signer().certificate();

        assertNotEquals(first, renewed);
        assertEquals(renewed, Pem.readCertificates(data.ocspResponderCertificate()).get(0));
    }
}
