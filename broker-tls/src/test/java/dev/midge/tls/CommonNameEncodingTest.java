package dev.midge.tls;

import dev.midge.testing.LogCapture;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.OpenSsl;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.TestPki;
import org.bouncycastle.asn1.DERIA5String;
import org.bouncycastle.asn1.DERUniversalString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * use_identity_as_username with CNs in every string encoding a certificate can carry, made by
 * openssl, through a real mTLS handshake and CONNECT by mosquitto_pub: a CN is a username where
 * mosquitto takes it as one (see CommonNameUsername), and a refusal names the encoding.
 */
class CommonNameEncodingTest {

    @TempDir
    Path dir;
    private TestPki pki;
    private OddlyEncodedDevices devices;
    private final LogCapture log = LogCapture.of("dev.midge");
    private final FileWatcher watcher = FileWatcher.start();
    private TlsListenerSecurity tls;
    private EmbeddedBroker broker;
    private final CompletableFuture<String> publisher = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        pki = TestPki.create(dir.resolve("pki"));
        devices = new OddlyEncodedDevices(dir);
        tls = TlsListenerSecurity.create(Options.mutualTls(pki).cafile(devices.caFile()).build(), watcher);
        broker = EmbeddedBroker.start(listener -> listener.withSecurity(tls), options -> { });
        broker.broker().addMessageObserver((client, topic, payload, qos, retain) -> publisher.complete(client.username()));
    }

    @AfterEach
    void stop() {
        broker.close();
        tls.close();
        watcher.close();
        log.close();
    }

    @Test
    void utf8StringCnIsTheUsername() throws Exception {
        OddlyEncodedDevices.Device device = devices.byOpenSsl("utf8", "utf8only", "/O=Midge/CN=mön");
        assertEquals("UTF8STRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertAcceptedAs("mön", device);
    }

    @Test
    void printableStringCnIsTheUsername() throws Exception {
        OddlyEncodedDevices.Device device = devices.byOpenSsl("printable", "MASK:0x2", "/O=Midge/CN=mon");
        assertEquals("PRINTABLESTRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertAcceptedAs("mon", device);
    }

    @Test
    void asciiTeletexStringCnIsTheUsername() throws Exception {
        OddlyEncodedDevices.Device device = devices.byOpenSsl("t61", "MASK:0x4", "/O=Midge/CN=mon");
        assertEquals("T61STRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertAcceptedAs("mon", device);
    }

    @Test
    void ia5StringCnIsTheUsername() throws Exception {
        OddlyEncodedDevices.Device device = devices.byBouncyCastle("ia5", new DERIA5String("mon"));
        assertEquals("IA5STRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertAcceptedAs("mon", device);
    }

    @Test
    void bmpStringCnIsRefusedAsMosquittoRefusesIt() throws Exception {
        OddlyEncodedDevices.Device device = devices.byOpenSsl("bmp", "MASK:0x800", "/O=Midge/CN=mon");
        assertEquals("BMPSTRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertRefused(device, "CN=mon,O=Midge", "the CN is a BMPString");
    }

    @Test
    void universalStringCnIsRefused() throws Exception {
        OddlyEncodedDevices.Device device = devices.byBouncyCastle("universal",
                new DERUniversalString("mon".getBytes(Charset.forName("UTF-32BE"))));
        assertEquals("UNIVERSALSTRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertRefused(device, "CN=mon,O=Midge", "the CN is a UniversalString");
    }

    @Test
    void teletexStringCnBeyondAsciiIsRefused() throws Exception {
        OddlyEncodedDevices.Device device = devices.byOpenSsl("t61-latin", "MASK:0x4", "/O=Midge/CN=mön");
        assertEquals("T61STRING", OddlyEncodedDevices.commonNameType(device.certFile()));
        assertRefused(device, "CN=m\\C3\\B6n,O=Midge", "the CN is a TeletexString with bytes outside ASCII");
    }

    @Test
    void cnOfAMultiValuedRdnIsTheCnNotTheRdnsFirstValue() throws Exception {
        // DER sorts the set: OU=a comes before CN=mon inside the one RDN.
        OddlyEncodedDevices.Device device = devices.byOpenSsl("multi", "utf8only", "/O=Midge/OU=a+CN=mon",
                "-multivalue-rdn");
        assertTrue(OpenSsl.run("x509", "-in", device.certFile().toString(), "-noout", "-subject", "-nameopt", "RFC2253")
                .output().contains("CN=mon+OU=a,O=Midge"));
        assertAcceptedAs("mon", device);
    }

    @Test
    void cnWithANewlineIsRefusedAndCannotForgeALogLine() throws Exception {
        OddlyEncodedDevices.Device device = devices.byOpenSsl("newline", "utf8only",
                "/O=Midge/CN=dev1\nWARN Midge admin logged in");

        String line = assertRefused(device, "CN=dev1\\0AWARN Midge admin logged in,O=Midge",
                "the CN (UTF8String) contains the control character U+000A");

        assertTrue(log.matching("WARN Midge admin logged in").size() == 1, log.lines()::toString);
        assertFalse(log.lines().stream().anyMatch(l -> l.contains("\n")), "a log line with a raw newline: " + line);
    }

    @Test
    void issuerNameWithControlCharactersIsEscapedInTheRefusalLine() throws Exception {
        // A device from a CA nobody trusts, whose name carries a newline and a bidi override:
        // the refusal quotes the issuer, and must stay one line.
        OddlyEncodedDevices evil = new OddlyEncodedDevices(dir.resolve("evil"), "/CN=Evil CA\nINFO all good\u202e");
        OddlyEncodedDevices.Device device = evil.byOpenSsl("stranger", "utf8only", "/O=Elsewhere/CN=stranger");

        ProcessResult result = MosquittoClients.publish(as(device), "-t", "t", "-m", "x");

        assertNotEquals(0, result.exitCode(), result.toString());
        String line = log.awaitOneLine("refused", "unknown CA");
        assertTrue(line.contains("\\x0A") && line.contains("\\u202E"), line);
        assertFalse(line.contains("\n") || line.contains("\u202e"), line);
    }

    private void assertAcceptedAs(String username, OddlyEncodedDevices.Device device) {
        ProcessResult result = MosquittoClients.publish(as(device), "-t", "hello", "-m", "x");
        assertEquals(0, result.exitCode(), () -> result + " " + log.lines());
        assertEquals(username, publisher.orTimeout(10, TimeUnit.SECONDS).join());
    }

    private String assertRefused(OddlyEncodedDevices.Device device, String subject, String reason) {
        ProcessResult result = MosquittoClients.publish(as(device), "-t", "hello", "-m", "x");
        assertNotEquals(0, result.exitCode(), result.toString());
        assertFalse(publisher.isDone(), "published as " + publisher.getNow(null));
        return log.awaitOneLine("TLS handshake from 127.0.0.1:", "refused: certificate " + subject, reason,
                "(use_identity_as_username)");
    }

    private MosquittoClients.Options as(OddlyEncodedDevices.Device device) {
        return MosquittoClients.options(broker.port()).cafile(pki.caFile()).cert(device.certFile(), device.keyFile());
    }
}
