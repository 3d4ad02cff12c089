package dev.midge.cluster;

import dev.midge.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Only public certificates travel between nodes as a CA chain. */
class CaChainContentTest {

    @TempDir
    Path dir;

    @Test
    void certificatesAreShared() throws Exception {
        TestPki pki = TestPki.create(dir);
        String chain = Files.readString(pki.caFile()) + "\n# added CA\n" + Files.readString(pki.foreignCaFile());

        assertNull(CaChainContent.refusal(chain.getBytes()));
    }

    @Test
    void aPrivateKeyInTheFileStopsItBeingShared() throws Exception {
        TestPki pki = TestPki.create(dir);
        var device = pki.device("dev1");
        String withKey = Files.readString(pki.caFile()) + Files.readString(device.keyFile());

        assertEquals("it holds a PRIVATE KEY block; only certificates are shared",
                CaChainContent.refusal(withKey.getBytes()));
    }

    @Test
    void aFileWithoutCertificatesIsNotShared() {
        assertEquals("it holds no PEM certificate", CaChainContent.refusal("not a certificate\n".getBytes()));
        assertEquals("it does not parse as PEM certificates", CaChainContent.refusal(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".getBytes()).replaceAll(" \\(.*", ""));
    }
}
