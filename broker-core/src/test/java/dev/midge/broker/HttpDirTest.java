package dev.midge.broker;

import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's {@code http_dir}: a WebSocket listener answers plain HTTP GETs with the files under the
 * directory, and nothing outside it, whatever the request-target says; the MQTT upgrade is unchanged.
 * Requests are made with curl ({@code --path-as-is}, so the traversal attempts reach the broker as written).
 */
class HttpDirTest extends BrokerTest {

    private static final String INDEX = "<html><body>Midge</body></html>\n";

    @TempDir
    Path work;
    private Path site;
    private int port;

    @BeforeEach
    void site() throws IOException {
        site = Files.createDirectories(work.resolve("site"));
        Files.writeString(site.resolve("index.html"), INDEX);
        Files.writeString(site.resolve("app.js"), "console.log('mqtt');\n");
        Files.createDirectories(site.resolve("empty"));
        Files.writeString(work.resolve("secret.txt"), "not for the web\n");
        Files.createSymbolicLink(site.resolve("leak.txt"), work.resolve("secret.txt"));
        Files.createSymbolicLink(site.resolve("alias.js"), site.resolve("app.js"));
    }

    private void startWith(Path httpDir) throws InterruptedException {
        start(b -> b.listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1")
                .withProtocol(ListenerOptions.Protocol.WEBSOCKETS).withFiles(new ListenerFiles(null, httpDir))));
        port = broker.listenerAddresses().get(1).getPort();
    }

    @Test
    void filesUnderTheDirectoryAreServedWithTheirContentType() throws Exception {
        startWith(site);

        assertEquals(List.of("200", "text/html; charset=utf-8", INDEX), curl("/"));
        assertEquals(List.of("200", "text/html; charset=utf-8", INDEX), curl("/index.html?v=2"));
        assertEquals(List.of("200", "text/javascript; charset=utf-8", "console.log('mqtt');\n"), curl("/app.js"));
        assertEquals(List.of("200", "text/javascript; charset=utf-8", "console.log('mqtt');\n"), curl("/alias.js"),
                "a link that stays inside is followed");
        assertEquals("404", curl("/missing.html").get(0));
        assertEquals("404", curl("/empty/").get(0), "no directory listings");
        assertEquals("404", curl("//etc/passwd").get(0), "an absolute path is taken inside the directory");
        assertEquals("405", curl("/", "-X", "POST").get(0));
        List<String> head = curl("/app.js", "-I");
        assertEquals("200", head.get(0));
    }

    @Test
    void nothingOutsideTheDirectoryIsServed() throws Exception {
        startWith(site);

        for (String attempt : new String[] {"/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt",
                "/empty/../../secret.txt", "/empty/%2e%2e/%2e%2e/secret.txt", "/leak.txt", "/..%5csecret.txt"}) {
            List<String> answer = curl(attempt);
            assertEquals("403", answer.get(0), attempt + " -> " + answer);
            assertTrue(!answer.get(2).contains("not for the web"), attempt);
        }
    }

    @Test
    void aLargeFileArrivesWhole() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(big);
        Files.write(site.resolve("big.bin"), big);
        startWith(site);

        Path out = work.resolve("downloaded");
        ProcessResult r = MosquittoClients.run(List.of("curl", "-s", "-o", out.toString(), "-w", "%{http_code} %{content_type}",
                "http://127.0.0.1:" + port + "/big.bin"), Duration.ofSeconds(30));
        assertEquals("200 application/octet-stream", r.stdout().trim(), r.toString());
        assertArrayEquals(big, Files.readAllBytes(out));
    }

    @Test
    void theMqttUpgradeIsUnchanged() throws Exception {
        startWith(site);

        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /mqtt HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String status = statusLine(socket.getInputStream());
            assertTrue(status.startsWith("HTTP/1.1 101"), status);
        }
    }

    /** Status, content type and body of a GET of {@code target} as written (curl --path-as-is). */
    private List<String> curl(String target, String... more) throws IOException {
        Path body = Files.createTempFile(work, "body", ".txt");
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--path-as-is", "-o", body.toString(),
                "-w", "%{http_code}\n%{content_type}"));
        command.addAll(List.of(more));
        command.add("http://127.0.0.1:" + port + target);
        ProcessResult r = MosquittoClients.run(command, Duration.ofSeconds(30));
        String[] lines = (r.stdout() + "\n").split("\n", -1);
        return List.of(lines[0].trim(), lines[1].trim(), Files.readString(body));
    }

    private static String statusLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0 && b != '\n') {
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }
}
