package dev.midge.pki;

import dev.midge.testing.LogCapture;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.index.IndexEntry;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A revoke killed after it wrote the index and before it wrote the CRL (SIGKILL, power loss):
 * the index says revoked, the CRL does not. Running the revoke again, or opening the data
 * directory for the broker, must finish it.
 */
class InterruptedRevocationTest {

    @TempDir
    Path temp;

    @Test
    void revokingAgainWritesTheCrlTheInterruptedRevokeDidNot() throws Exception {
        DataDirectory data = dataDirectory();
        Path cert = issue(data, "torn-1");
        IndexEntry torn = revokeInIndexOnly(data, "torn-1");
        assertEquals(0, OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert).exitCode(),
                "the torn state: the CRL does not list the certificate yet");

        List<IndexEntry> revoked = data.authority().revoke("torn-1", RevocationReason.keyCompromise);

        assertEquals(List.of(), revoked, "nothing is left to revoke");
        assertEquals(List.of(torn.serialHex()),
                data.authority().revokedCertificates("torn-1").stream().map(IndexEntry::serialHex).toList());
        OpenSslCli.Result verify = OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert);
        assertNotEquals(0, verify.exitCode(), verify.toString());
        assertTrue(verify.output().contains("certificate revoked"), verify.toString());
    }

    @Test
    void openingTheDataDirectoryForTheBrokerReissuesACrlThatMissesARevocation() throws Exception {
        DataDirectory data = dataDirectory();
        Path cert = issue(data, "torn-2");
        IndexEntry torn = revokeInIndexOnly(data, "torn-2");

        try (LogCapture log = LogCapture.of(DataDirectory.class)) {
            DataDirectory.openOrInitialize(data.path(), 8883);

            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).startsWith("Re-issued the CRL " + data.crlFile() + " from the index"),
                    log.messages().toString());
            assertTrue(log.messages().get(0).contains(torn.serialHex()), log.messages().toString());
        }
        OpenSslCli.Result verify = OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert);
        assertTrue(verify.output().contains("certificate revoked"), verify.toString());
    }

    @Test
    void theRunningBrokersHourlyCrlRenewalFinishesAnInterruptedRevocation() throws Exception {
        DataDirectory data = dataDirectory();
        Path cert = issue(data, "torn-3");
        revokeInIndexOnly(data, "torn-3");

        assertTrue(data.crlRenewer().renewIfDue(Instant.now()), "a fresh CRL that misses a revocation is re-issued");

        OpenSslCli.Result verify = OpenSslCli.verify(temp, data.caChain(), data.crlFile(), cert);
        assertTrue(verify.output().contains("certificate revoked"), verify.toString());
        assertEquals(false, data.crlRenewer().renewIfDue(Instant.now()), "and then left alone");
    }

    @Test
    void aCrlThatListsEveryRevocationIsLeftAlone() throws Exception {
        DataDirectory data = dataDirectory();
        issue(data, "whole");
        data.authority().revoke("whole", RevocationReason.superseded);
        String before = Files.readString(data.crlFile());

        assertEquals(false, data.repairCrl());
        assertEquals(before, Files.readString(data.crlFile()));
    }

    private DataDirectory dataDirectory() {
        DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        return DataDirectory.open(temp.resolve("data"));
    }

    private Path issue(DataDirectory data, String name) throws Exception {
        IssuedCertificate issued = data.authority().issue(name,
                SubjectPublicKeyInfo.getInstance(KeyPairs.ec("P-256").getPublic().getEncoded()), null, "device");
        Path file = temp.resolve(name + ".crt");
        Files.writeString(file, Pem.encode(issued.certificate()));
        return file;
    }

    /** Exactly the first half of {@link CertificateAuthority#revoke(String, RevocationReason)}: the index write. */
    static IndexEntry revokeInIndexOnly(DataDirectory data, String name) {
        return data.index().update(entries -> {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).commonName().equals(name)) {
                    entries.set(i, entries.get(i).revoked(Instant.now(), RevocationReason.keyCompromise));
                    return entries.get(i);
                }
            }
            throw new AssertionError("no certificate of " + name);
        });
    }
}
