package dev.midge.pki.index;

import dev.midge.pki.PkiException;
import dev.midge.pki.crl.RevocationReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateIndexTest {

    @TempDir
    Path temp;

    @Test
    void entriesSurviveARoundTripIncludingRevocation() {
        CertificateIndex index = new CertificateIndex(temp.resolve("index.txt"));
        Instant notAfter = Instant.now().plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        Instant revokedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        index.update(e -> e.add(new IndexEntry(BigInteger.valueOf(0xABCDEF), "CN=a", notAfter, null, null, "device")));
        index.update(e -> e.set(0, e.get(0).revoked(revokedAt, RevocationReason.keyCompromise)));

        IndexEntry read = new CertificateIndex(temp.resolve("index.txt")).entries().get(0);

        assertEquals(new IndexEntry(BigInteger.valueOf(0xABCDEF), "CN=a", notAfter, revokedAt,
                RevocationReason.keyCompromise, "device"), read);
        assertEquals(IndexEntry.Status.REVOKED, read.status(Instant.now()));
        assertEquals("a", read.commonName());
    }

    @Test
    void concurrentWritersInTwoThreadsAndASecondProcessLoseNoEntry() throws Exception {
        Path file = temp.resolve("index.txt");
        CertificateIndex index = new CertificateIndex(file);
        int perWriter = 60;
        Process other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), IndexWriterMain.class.getName(), file.toString(),
                String.valueOf(perWriter), "B").redirectErrorStream(true).start();
        BufferedReader otherOut = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8));
        assertEquals("started", otherOut.readLine());

        CompletableFuture<Void> threadA = CompletableFuture.runAsync(() -> write(index, "A", perWriter));
        CompletableFuture<Void> threadC = CompletableFuture.runAsync(() -> write(index, "C", perWriter));
        threadA.get(60, TimeUnit.SECONDS);
        threadC.get(60, TimeUnit.SECONDS);
        assertTrue(other.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, other.exitValue(), new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8));

        List<IndexEntry> entries = index.entries();
        Set<BigInteger> serials = new HashSet<>();
        entries.forEach(e -> serials.add(e.serial()));
        assertEquals(3 * perWriter, entries.size());
        assertEquals(3 * perWriter, serials.size());
    }

    @Test
    void crlNumbersOnlyEverGrow() {
        CertificateIndex index = new CertificateIndex(temp.resolve("index.txt"));
        BigInteger previous = BigInteger.ZERO;
        for (int i = 0; i < 5; i++) {
            BigInteger next = index.nextCrlNumber();
            assertTrue(next.compareTo(previous) > 0, previous + " then " + next);
            previous = next;
        }
        assertEquals(previous.add(BigInteger.ONE), new CertificateIndex(temp.resolve("index.txt")).nextCrlNumber());
    }

    @Test
    void aCorruptLineIsReportedWithFileAndLine() throws Exception {
        Path file = temp.resolve("index.txt");
        Files.writeString(file, "# header\nnot\ta\tvalid line\n");
        PkiException e = assertThrows(PkiException.class, () -> new CertificateIndex(file).entries());
        assertEquals(file + ":2: expected 7 tab-separated fields, found 3", e.getMessage());
    }

    private static void write(CertificateIndex index, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            IndexEntry entry = new IndexEntry(new BigInteger(prefix + String.format("%04d", i), 16), "CN=" + prefix + i,
                    Instant.now().plusSeconds(3600), null, null, "device");
            index.update(entries -> entries.add(entry));
        }
    }
}
