package dev.midge.pki.enrollment;

import dev.midge.testing.LogCapture;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.profile.CertificationRequestCheck;
import dev.midge.pki.profile.DefaultProfiles;
import dev.midge.pki.store.Pem;
import dev.midge.testing.OpenSsl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The profile, not the request, decides which SANs a certificate carries: SANs an
 * {@code openssl req} CSR asks for are left out unless the profile's {@code request_sans} lists
 * their type.
 */
class RequestedSansTest {

    private static final String ASKED = "subjectAltName=DNS:*.example.com,IP:127.0.0.1";

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static DataDirectory data;
    static EnrollmentServer server;
    static EnrollmentClient client;

    @BeforeAll
    static void start() throws Exception {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(setup.dataDirectory());
        server = EnrollmentServer.start(0, data, setup.serverCertificate(), setup.serverKey());
        client = new EnrollmentClient(setup.caChain(), server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aDeviceCertificateCarriesNoneOfTheSansItsCsrAskedFor() throws Exception {
        String secret = data.enrollments().register("sensor-san", "device", EnrollmentRegistry.DEFAULT_VALIDITY);
        byte[] csr = TestCsrs.der(temp, "sensor-san", "-addext", ASKED);

        try (LogCapture log = LogCapture.of(CertificationRequestCheck.class)) {
            EnrollmentClient.Response r = client.sign("127.0.0.1", "sensor-san", secret, csr);

            assertEquals(200, r.status(), r.body());
            Path cert = certificateFromJson(r.body(), "sensor-san");
            String sans = OpenSsl.run("x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName").output();
            assertFalse(sans.contains("DNS:") || sans.contains("IP Address"), sans);
            assertEquals(1, log.messages().size(), log.messages().toString());
            assertTrue(log.messages().get(0).endsWith("profile device does not allow (request_sans = none):"
                    + " DNS:*.example.com, IP:127.0.0.1"), log.messages().toString());
        }
    }

    @Test
    void aProfileThatAllowsDnsSansKeepsThemAndStillDropsIpSans() throws Exception {
        Files.writeString(DefaultProfiles.file(data.profilesDirectory(), "gateway"), """
                keys = EC P-256
                validity_days = 30
                signature_digest = SHA-256
                key_usage = digitalSignature
                extended_key_usage = clientAuth serverAuth
                request_sans = dns
                """);
        String secret = data.enrollments().register("gw-1", "gateway", EnrollmentRegistry.DEFAULT_VALIDITY);
        byte[] csr = TestCsrs.der(temp, "gw-1", "-addext", ASKED);

        EnrollmentClient.Response r = client.simpleEnroll("127.0.0.1", "gw-1", secret, csr);

        assertEquals(200, r.status(), r.body());
        X509Certificate issued = CertsOnly.decode(r.body()).get(0);
        Path cert = temp.resolve("gw-1.crt");
        Files.writeString(cert, Pem.encode(issued));
        String sans = OpenSsl.run("x509", "-in", cert.toString(), "-noout", "-ext", "subjectAltName").output();
        assertTrue(sans.contains("DNS:*.example.com"), sans);
        assertFalse(sans.contains("IP Address"), sans);
    }

    private static Path certificateFromJson(String json, String name) throws Exception {
        Path der = temp.resolve(name + ".der");
        Files.write(der, Base64.getDecoder().decode(EjbcaJson.field(json, "data")));
        Path pem = temp.resolve(name + ".crt");
        OpenSsl.Result convert = OpenSsl.run("x509", "-inform", "DER", "-in", der.toString(), "-out", pem.toString());
        assertEquals(0, convert.exitCode(), convert.output());
        return pem;
    }
}
