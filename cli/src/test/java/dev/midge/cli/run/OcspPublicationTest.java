package dev.midge.cli.run;

import dev.midge.pki.DataDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which OCSP URL certificates issued after a start carry. */
class OcspPublicationTest {

    @TempDir
    Path temp;

    @Test
    void operatorsUrlWinsThenThePlainResponderThenEnrollmentThenNone() throws Exception {
        DataDirectory data = DataDirectory.open(DataDirectory.openOrInitialize(temp.resolve("d"), 8883).dataDirectory());

        assertEquals("http://ca.example.com/ocsp", OcspPublication.publish(data, "http://ca.example.com/ocsp", 8080, 9443));
        assertEquals("http://ca.example.com/ocsp", data.ocspUrl());

        String plain = OcspPublication.publish(data, null, 8080, 9443);
        assertTrue(plain.matches("http://[^/]+:8080/ocsp"), plain);
        assertEquals(plain, data.ocspUrl());

        String enrollment = OcspPublication.publish(data, null, 0, 9443);
        assertTrue(enrollment.matches("https://[^/]+:9443/ocsp"), enrollment);

        assertNull(OcspPublication.publish(data, null, 0, 0));
        assertNull(data.ocspUrl(), "a broker without a responder must not leave a dead URL for device add");
    }
}
