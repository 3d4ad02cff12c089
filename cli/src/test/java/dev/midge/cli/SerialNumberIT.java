package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.issue.KeyPairs;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serials printed by the jar are the ones openssl prints, leading zero included, so they can be grepped. */
class SerialNumberIT {

    @TempDir
    Path work;

    @Test
    void serialWithALeadingZeroIsPrintedAsOpensslPrintsIt() throws Exception {
        DataDirectory data = DataDirectory.open(DataDirectory.openOrInitialize(work.resolve("data"), 8883).dataDirectory());
        // Serials are random: issue until one's first byte is below 0x10 (one in eight), the case
        // where a plain toString(16) drops the zero openssl prints.
        List<String> ids = new ArrayList<>();
        IssuedCertificate zeroLed;
        do {
            String id = "dev" + ids.size();
            ids.add(id);
            zeroLed = data.authority().issue(id, SubjectPublicKeyInfo.getInstance(
                    KeyPairs.ec("P-256").getPublic().getEncoded()), null, "device");
        } while ((zeroLed.certificate().getSerialNumber().bitLength() - 1) % 8 >= 4); // first byte >= 0x10
        String id = ids.get(ids.size() - 1);
        Path pem = work.resolve(id + ".pem");
        Files.writeString(pem, dev.midge.pki.store.Pem.encode(zeroLed.certificate()));
        String openssl = DeviceAddIT.opensslIn(work, "x509", "-in", pem.toString(), "-noout", "-serial")
                .strip().replace("serial=", "");
        assertTrue(openssl.startsWith("0"), openssl);

        BrokerProcess.Result show = BrokerProcess.run(work, "cert", "show", id, "--data", "data");
        assertTrue(show.output().contains("Serial:     " + openssl + "\n"), show.output());
        BrokerProcess.Result list = BrokerProcess.run(work, "cert", "list", "--data", "data");
        assertTrue(list.output().lines().anyMatch(l -> l.startsWith(openssl + " ") && l.endsWith("CN=" + id)),
                list.output());
        BrokerProcess.Result byOpensslSerial = BrokerProcess.run(work, "cert", "show", openssl, "--data", "data");
        assertTrue(byOpensslSerial.output().contains("CN=" + id), byOpensslSerial.output());
        BrokerProcess.Result revoke = BrokerProcess.run(work, "device", "revoke", id, "--data", "data");
        assertEquals(0, revoke.exitCode(), revoke.output());
        assertTrue(revoke.output().contains(": " + openssl + "\n"), revoke.output());
    }
}
