package dev.midge.pki;

import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateAuthorityTest {

    @TempDir
    static Path temp;
    static DataDirectory data;
    static CertificateAuthority ca;

    @BeforeAll
    static void createCa() {
        DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(temp.resolve("data"));
        ca = data.authority();
    }

    @Test
    void csrMadeByOpensslReqIsSignedAndPassesOpensslVerify() throws Exception {
        Path csr = opensslCsr("sensor-1", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        IssuedCertificate issued = ca.signRequest("sensor-1", Pem.readCertificationRequest(csr), "device");
        Path cert = write("sensor-1.crt", issued.certificate());

        OpenSslCli.Result verify = OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert);
        assertEquals(0, verify.exitCode(), verify.toString());
        OpenSslCli.Result purpose = OpenSslCli.run(temp, "verify", "-purpose", "sslclient", "-CAfile",
                data.caChain().toString(), cert.toString());
        assertEquals(0, purpose.exitCode(), purpose.toString());
        String text = OpenSslCli.run(temp, "x509", "-in", cert.toString(), "-noout", "-text").output();
        assertTrue(text.contains("Subject: CN = sensor-1"), text);
        assertTrue(text.contains("CA:FALSE"), text);
        assertTrue(text.contains("Digital Signature"), text);
        assertTrue(!text.contains("Key Encipherment"), "an EC key gets no keyEncipherment: " + text);
        assertTrue(text.contains("TLS Web Client Authentication"), text);
        assertTrue(text.contains("X509v3 Authority Key Identifier"), text);
        assertTrue(issued.certificate().getSerialNumber().bitLength() >= 64);
    }

    @Test
    void rsaKeyBelowTheProfileMinimumIsRefusedWithTheReason() throws Exception {
        Path csr = opensslCsr("weak", "rsa", "-pkeyopt", "rsa_keygen_bits:1024");
        PkiException e = assertThrows(PkiException.class,
                () -> ca.signRequest("weak", Pem.readCertificationRequest(csr), "device"));
        assertEquals("RSA key of 1024 bits is below the profile's minimum of 2048", e.getMessage());
        assertTrue(data.index().entries().stream().noneMatch(x -> x.commonName().equals("weak")));
    }

    @Test
    void csrWithATamperedSignatureIsRefused() throws Exception {
        PKCS10CertificationRequest good = Pem.readCertificationRequest(
                opensslCsr("tampered", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"));
        byte[] der = good.getEncoded();
        der[der.length - 5] ^= 0x01;
        PkiException e = assertThrows(PkiException.class,
                () -> ca.signRequest("tampered", new PKCS10CertificationRequest(der), "device"));
        assertTrue(e.getMessage().contains("signature"), e.getMessage());
    }

    @Test
    void csrWhoseCommonNameIsAnotherDeviceIsRefused() throws Exception {
        Path csr = opensslCsr("someone-else", "ec", "-pkeyopt", "ec_paramgen_curve:P-256");
        PkiException e = assertThrows(PkiException.class,
                () -> ca.signRequest("me", Pem.readCertificationRequest(csr), "device"));
        assertEquals("the CSR's subject has CN=someone-else but the certificate is for me", e.getMessage());
    }

    @Test
    void sanTypesTheProfileDoesNotAllowAreLeftOutOfTheCertificate() throws Exception {
        Path csr = opensslCsr("mailer", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-addext", "subjectAltName=email:a@example.com");
        IssuedCertificate issued = ca.signRequest("mailer", Pem.readCertificationRequest(csr), "device");
        assertEquals(null, issued.certificate().getSubjectAlternativeNames());
    }

    @Test
    void revokedCertificateIsReportedRevokedByOpensslVerify() throws Exception {
        IssuedCertificate issued = issueEc("doomed");
        Path cert = write("doomed.crt", issued.certificate());
        assertEquals(0, OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert).exitCode());

        List<IndexEntry> revoked = ca.revoke("doomed", RevocationReason.keyCompromise);

        assertEquals(1, revoked.size());
        OpenSslCli.Result verify = OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert);
        assertNotEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.output().contains("certificate revoked"), verify.toString());
        String crlText = OpenSslCli.run(temp, "crl", "-in", data.crlFile().toString(), "-noout", "-text").output();
        assertTrue(crlText.contains("Key Compromise"), crlText);
        assertTrue(crlText.contains(issued.certificate().getSerialNumber().toString(16).toUpperCase()), crlText);
    }

    @Test
    void revokingADeviceRevokesAllItsValidCertificatesAndNothingElse() throws Exception {
        IssuedCertificate a = issueEc("twice");
        IssuedCertificate b = issueEc("twice");
        IssuedCertificate bystander = issueEc("bystander");

        List<IndexEntry> revoked = ca.revoke("twice", RevocationReason.cessationOfOperation);

        assertEquals(List.of(a.certificate().getSerialNumber(), b.certificate().getSerialNumber()),
                revoked.stream().map(IndexEntry::serial).toList());
        X509CRL crl = Pem.readCrls(data.crlFile()).get(0);
        assertTrue(crl.isRevoked(a.certificate()));
        assertTrue(crl.isRevoked(b.certificate()));
        assertTrue(!crl.isRevoked(bystander.certificate()));
        assertEquals(List.of(), ca.revoke("twice", RevocationReason.unspecified));
    }

    @Test
    void crlNumberGrowsWithEveryCrlAndCrlPassesOpensslSignatureCheck() throws Exception {
        BigInteger before = crlNumber();
        ca.crlPublisher().publish();
        BigInteger after = crlNumber();
        assertTrue(after.compareTo(before) > 0, before + " then " + after);
        X509CRL crl = Pem.readCrls(data.crlFile()).get(0);
        assertTrue(crl.getExtensionValue(Extension.authorityKeyIdentifier.getId()) != null);
        long hours = (crl.getNextUpdate().getTime() - crl.getThisUpdate().getTime()) / 3_600_000;
        assertEquals(24, hours);
        OpenSslCli.Result check = OpenSslCli.run(temp, "crl", "-in", data.crlFile().toString(), "-noout",
                "-CAfile", data.caChain().toString());
        assertTrue(check.output().contains("verify OK"), check.toString());
    }

    @Test
    void concurrentRevocationsAllEndUpInTheFinalCrl() throws Exception {
        List<IssuedCertificate> issued = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            issued.add(issueEc("racer-" + i));
        }
        List<java.util.concurrent.CompletableFuture<Void>> revocations = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String name = "racer-" + i;
            revocations.add(java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    ca.revoke(name, RevocationReason.affiliationChanged);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }));
        }
        for (var r : revocations) {
            r.get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        X509CRL crl = Pem.readCrls(data.crlFile()).get(0);
        for (IssuedCertificate i : issued) {
            assertTrue(crl.isRevoked(i.certificate()), i.entry().subject() + " is in the CRL");
        }
    }

    private static BigInteger crlNumber() {
        X509CRL crl = Pem.readCrls(data.crlFile()).get(0);
        byte[] ext = crl.getExtensionValue(Extension.cRLNumber.getId());
        return org.bouncycastle.asn1.ASN1Integer.getInstance(
                org.bouncycastle.asn1.ASN1OctetString.getInstance(ext).getOctets()).getValue();
    }

    private static IssuedCertificate issueEc(String name) {
        return ca.issue(name, SubjectPublicKeyInfo.getInstance(KeyPairs.ec("P-256").getPublic().getEncoded()),
                null, "device");
    }

    private static Path write(String name, X509Certificate certificate) throws Exception {
        Path file = temp.resolve(name);
        Files.writeString(file, Pem.encode(certificate));
        return file;
    }

    private static Path opensslCsr(String cn, String algorithm, String... extra) throws Exception {
        Path key = temp.resolve(cn + ".key");
        Path csr = temp.resolve(cn + ".csr");
        java.util.List<String> args = new java.util.ArrayList<>(List.of("req", "-new", "-newkey", algorithm, "-nodes",
                "-keyout", key.toString(), "-out", csr.toString(), "-subj", "/CN=" + cn));
        args.addAll(List.of(extra));
        OpenSslCli.Result result = OpenSslCli.run(temp, args.toArray(String[]::new));
        assertEquals(0, result.exitCode(), result.toString());
        return csr;
    }
}
