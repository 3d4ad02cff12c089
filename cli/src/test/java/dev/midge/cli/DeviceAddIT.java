package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code device add} as operators script it: the real jar, the real files, openssl to check. */
class DeviceAddIT {

    @TempDir
    static Path work;

    @BeforeAll
    static void createDataDirectory() {
        DataDirectory.openOrInitialize(work.resolve("data"), 8883);
    }

    @Test
    void secondAddOfADeviceWithAValidCertificateIsRefusedNamingItsSerialUnlessForced() throws Exception {
        assertOk(add("twice", "--out", "twice"));
        byte[] key = Files.readAllBytes(work.resolve("twice/twice.key"));
        String serial = openssl("x509", "-in", "twice/twice.crt", "-noout", "-serial").replace("serial=", "").strip();

        BrokerProcess.Result again = add("twice", "--out", "twice");

        assertNotEquals(0, again.exitCode(), again.output());
        assertTrue(again.output().contains(serial) && again.output().contains("--force"), again.output());
        assertArrayEquals(key, Files.readAllBytes(work.resolve("twice/twice.key")), "the key file must be left alone");
        assertEquals(1, validCertificates("twice"), certList());

        assertOk(add("twice", "--out", "twice", "--force"));
        assertFalse(java.util.Arrays.equals(key, Files.readAllBytes(work.resolve("twice/twice.key"))));
        assertEquals(2, validCertificates("twice"), certList());
    }

    @Test
    void outThatIsAFileIsRefusedBeforeAnythingIsIssued() throws Exception {
        Files.writeString(work.resolve("a-file"), "not a directory");

        BrokerProcess.Result add = add("filed", "--out", "a-file");

        assertEquals(1, add.exitCode(), add.output());
        assertTrue(add.output().contains("--out a-file: is a file, not a directory"), add.output());
        assertFalse(certList().contains("CN=filed"), certList());
        assertFalse(Files.readString(work.resolve("data/acl")).contains("user filed"));
    }

    @Test
    void outThatCannotBeWrittenIsRefusedBeforeAnythingIsIssued() throws Exception {
        // sysfs refuses new files even to root, so this holds whoever runs the tests.
        BrokerProcess.Result add = add("nowhere", "--out", "/sys");

        assertEquals(1, add.exitCode(), add.output());
        assertTrue(add.output().contains("--out /sys: cannot write there: ") && add.output().contains("permission denied"),
                add.output());
        assertFalse(certList().contains("CN=nowhere"), certList());
    }

    @Test
    void certificateWhoseFilesCannotBeWrittenIsRevokedAndGetsNoAclEntry() throws Exception {
        // The directory passes every check, but the certificate file's name is taken by a directory.
        Files.createDirectories(work.resolve("blocked/blocked.crt/inside"));

        BrokerProcess.Result add = add("blocked", "--out", "blocked");

        assertEquals(1, add.exitCode(), add.output());
        assertTrue(add.output().contains("revoked the certificate just issued"), add.output());
        assertEquals(0, validCertificates("blocked"), certList());
        assertTrue(certList().lines().anyMatch(l -> l.contains(" revoked ") && l.contains("CN=blocked")), certList());
        assertFalse(Files.readString(work.resolve("data/acl")).contains("user blocked"));
        try (var left = Files.list(work.resolve("blocked"))) {
            assertEquals(List.of("blocked.crt"), left.map(p -> p.getFileName().toString()).toList(),
                    "no key without its certificate, no staging leftovers");
        }
        String crl = openssl("crl", "-in", "data/crl.pem", "-noout", "-text");
        String serial = certList().lines().filter(l -> l.contains("CN=blocked")).findFirst().orElseThrow().split(" ")[0];
        assertTrue(crl.contains("Serial Number: " + serial), crl);
    }

    @Test
    void serviceAccountWithNoDefaultAclGetsOnlyItsAclLines() throws Exception {
        assertOk(add("iotagent", "--out", "agent", "--acl", "read /#", "--no-default-acl"));

        String acl = Files.readString(work.resolve("data/acl"));
        assertTrue(acl.contains("user iotagent\ntopic read /#\n"), acl);
        assertFalse(acl.contains("/iotagent/"), acl);
    }

    private static BrokerProcess.Result add(String id, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("device", "add", id, "--data", "data"));
        args.addAll(List.of(more));
        return BrokerProcess.run(work, args.toArray(String[]::new));
    }

    private static long validCertificates(String id) throws Exception {
        return certList().lines().filter(l -> l.contains(" valid ") && l.endsWith("CN=" + id)).count();
    }

    private static String certList() throws Exception {
        // Only read here: in this JVM, not a JVM start per check (the adds stay the real jar).
        BrokerProcess.Result list = InProcessCommand.run("cert", "list", "--data", work.resolve("data").toString());
        assertOk(list);
        return list.output();
    }

    private static void assertOk(BrokerProcess.Result result) {
        assertEquals(0, result.exitCode(), result.output());
    }

    private static String openssl(String... args) throws Exception {
        return opensslIn(work, args);
    }

    /** Runs the real openssl in dir; it must succeed. */
    static String opensslIn(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
