package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.enrollment.http.HttpsListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clients that open a connection and never finish their request cost only themselves: they do
 * not stall other clients, they are closed at the deadline, and one address cannot hold more than
 * its share of connections.
 */
class SlowEnrollmentClientsTest {

    private static final String HALF_A_HEADER = "GET /.well-known/est/cacerts HTTP/1.1\r\nHost: loc";
    private static final String REST_OF_IT = "alhost\r\n\r\n";

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static DataDirectory data;

    @BeforeAll
    static void createDataDirectory() {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = DataDirectory.open(setup.dataDirectory());
    }

    @Test
    void twoClientsHoldingHalfAHeaderDoNotStallCacertsForAThird() throws Exception {
        // A deadline far beyond the test, so the slow clients are certainly still held below.
        try (EnrollmentServer server = start(new HttpsListener.Limits(Duration.ofMinutes(5), 64, 8));
             SSLSocket slow1 = halfARequest(server, "127.0.0.1");
             SSLSocket slow2 = halfARequest(server, "127.0.0.1")) {
            EnrollmentClient client = new EnrollmentClient(setup.caChain(), server.port());

            EnrollmentClient.Response third = client.get("127.0.0.1", "/.well-known/est/cacerts");

            assertEquals(200, third.status(), third.head());
            assertEquals(List.of(data.issuingCaCertificate(), data.rootCaCertificate()), CertsOnly.decode(third.body()));
            // They were held, not dropped, while the third was answered: finishing them gets an answer too.
            assertEquals(200, EnrollmentClient.send(slow1, REST_OF_IT).status());
            assertEquals(200, EnrollmentClient.send(slow2, REST_OF_IT).status());
        }
    }

    @Test
    void aClientThatNeverFinishesItsRequestIsClosedAtTheDeadline() throws Exception {
        try (EnrollmentServer server = start(new HttpsListener.Limits(Duration.ofSeconds(1), 64, 8));
             SSLSocket slow = halfARequest(server, "127.0.0.1")) {
            // Blocks until the server closes; the client's own 30 s read timeout fails the test instead.
            assertTrue(closedByServer(slow), "the server kept a half request open for 30 s");
        }
    }

    @Test
    void connectionsBeyondThePerAddressLimitAreClosedWhileOtherAddressesAreServed() throws Exception {
        try (EnrollmentServer server = start(new HttpsListener.Limits(Duration.ofMinutes(5), 64, 2));
             SSLSocket slow1 = halfARequest(server, "127.0.0.1");
             SSLSocket slow2 = halfARequest(server, "127.0.0.1")) {
            EnrollmentClient client = new EnrollmentClient(setup.caChain(), server.port());

            IOException closed = assertThrows(IOException.class, () -> client.get("127.0.0.1", "/.well-known/est/cacerts"),
                    "a third connection from 127.0.0.1 is closed before TLS");
            assertFalse(closed instanceof SocketTimeoutException, "closed, not left waiting: " + closed);
            assertEquals(200, client.get("127.0.0.2", "/.well-known/est/cacerts").status());
        }
    }

    private static EnrollmentServer start(HttpsListener.Limits limits) throws Exception {
        EnrollmentServer.Settings defaults = EnrollmentServer.Settings.onPort(0);
        return EnrollmentServer.start(new EnrollmentServer.Settings(defaults.bind(), limits, defaults.lockout(),
                defaults.clock()), data, setup.serverCertificate(), setup.serverKey());
    }

    private static SSLSocket halfARequest(EnrollmentServer server, String from) throws Exception {
        SSLSocket socket = new EnrollmentClient(setup.caChain(), server.port()).connect(from);
        OutputStream out = socket.getOutputStream();
        out.write(HALF_A_HEADER.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return socket;
    }

    /** True once the server closed the connection (end of stream or reset); false if it stayed silent and open. */
    private static boolean closedByServer(SSLSocket socket) {
        try {
            return socket.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
