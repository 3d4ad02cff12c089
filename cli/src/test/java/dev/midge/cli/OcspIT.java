package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The built-in CA's OCSP responder as a user runs it: {@code run --ocsp-port}, {@code device add}
 * writes the responder's URL into the certificate, and the real {@code openssl ocsp} asks it,
 * before and after {@code device revoke}, with the signature verified against the CA chain.
 */
class OcspIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void openSslOcspSeesGoodThenRevokedWithReasonAndUnknownForAForeignSerial() throws Exception {
        int port = Ports.freePort();
        int ocspPort = Ports.freePort();
        try (BrokerProcess broker = BrokerProcess.start(work, "--data", "data", "--port", Integer.toString(port),
                "--ocsp-port", Integer.toString(ocspPort))) {
            broker.awaitLine("Midge .* running", WAIT);
            broker.awaitLine("Certificates issued from now on name the OCSP responder http://.*:" + ocspPort + "/ocsp",
                    WAIT);

            BrokerProcess.Result added = BrokerProcess.run(work, "device", "add", "dev1", "--data", "data", "--out",
                    "certs");
            assertEquals(0, added.exitCode(), added.output());
            Path cert = work.resolve("certs/dev1.crt");
            OpenSsl.Result uri = OpenSsl.run("x509", "-noout", "-ocsp_uri", "-in", cert.toString());
            assertEquals("http://localhost:" + ocspPort + "/ocsp",
                    uri.output().strip().replaceFirst("//[^:/]+:", "//localhost:"), uri.output());
            // The host is the server certificate's name (this machine's); ask over loopback.
            String url = "http://127.0.0.1:" + ocspPort + "/ocsp";

            OpenSsl.Result good = ocsp("-cert", cert.toString(), "-url", url);
            assertTrue(good.output().contains("Response verify OK"), good.output());
            assertTrue(good.output().contains(cert + ": good"), good.output());

            BrokerProcess.Result revoked = BrokerProcess.run(work, "device", "revoke", "dev1", "--reason",
                    "keyCompromise", "--data", "data");
            assertEquals(0, revoked.exitCode(), revoked.output());

            OpenSsl.Result after = ocsp("-cert", cert.toString(), "-url", url);
            assertTrue(after.output().contains("Response verify OK"), after.output());
            assertTrue(after.output().contains(cert + ": revoked"), after.output());
            assertTrue(after.output().contains("Reason: keyCompromise"), after.output());

            OpenSsl.Result unknown = ocsp("-serial", "0x0BADC0FFEE", "-url", url);
            assertTrue(unknown.output().contains("Response verify OK"), unknown.output());
            assertTrue(unknown.output().contains("0x0BADC0FFEE: unknown"), unknown.output());
        }
    }

    private OpenSsl.Result ocsp(String... args) {
        String[] command = new String[9 + args.length];
        String[] head = {"ocsp", "-issuer", work.resolve("data/issuing-ca.crt").toString(), "-CAfile",
                work.resolve("data/ca.crt").toString(), "-resp_text", "-timeout", "30", "-no_nonce"};
        System.arraycopy(head, 0, command, 0, head.length);
        System.arraycopy(args, 0, command, head.length, args.length);
        return OpenSsl.run(WAIT, command);
    }
}
