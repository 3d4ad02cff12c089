package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.SecureDefault;
import dev.midge.pki.store.Pem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CertificateCommandsTest {

    @TempDir
    static Path temp;
    static SecureDefault setup;
    static String data;

    @BeforeAll
    static void createDataDirectoryWithOneDevice() {
        setup = DataDirectory.openOrInitialize(temp.resolve("data"), 8883);
        data = setup.dataDirectory().toString();
        CliRun.Result add = CliRun.broker("device", "add", "meter-1", "--data", data, "--out",
                temp.resolve("out").toString());
        assertEquals(0, add.exitCode(), add.toString());
    }

    @Test
    void certListShowsTheServerAndDeviceCertificates() {
        CliRun.Result list = CliRun.broker("cert", "list", "--data", data);
        assertEquals(0, list.exitCode(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("[0-9A-F]+\\s+valid\\s+\\S+\\s+device\\s+CN=meter-1")),
                list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.matches("[0-9A-F]+\\s+valid\\s+\\S+\\s+server\\s+CN=.*")),
                list.out());
    }

    @Test
    void certShowByDeviceIdPrintsTheCertificateAndItsPem() throws Exception {
        CliRun.Result show = CliRun.broker("cert", "show", "meter-1", "--data", data, "--pem");
        assertEquals(0, show.exitCode(), show.toString());
        assertTrue(show.out().contains("Subject:    CN=meter-1\n"), show.out());
        assertTrue(show.out().contains("Status:     valid\n"), show.out());
        assertTrue(show.out().contains("Key:        EC key on curve P-256\n"), show.out());
        X509Certificate shown = new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter()
                .getCertificate((org.bouncycastle.cert.X509CertificateHolder) Pem.parse(show.out()).get(0));
        assertEquals(Pem.readCertificates(temp.resolve("out/meter-1.crt")).get(0), shown);
    }

    @Test
    void certRenewKeepsTheKeyAndRevokesTheOldOneWhenAsked() throws Exception {
        Path first = temp.resolve("out-meter-2");
        assertEquals(0, CliRun.broker("device", "add", "meter-2", "--data", data, "--out", first.toString()).exitCode());
        Path out = temp.resolve("renewed");
        X509Certificate before = Pem.readCertificates(first.resolve("meter-2.crt")).get(0);

        CliRun.Result renew = CliRun.broker("cert", "renew", before.getSerialNumber().toString(16), "--data", data,
                "--out", out.toString(), "--revoke-old");

        assertEquals(0, renew.exitCode(), renew.toString());
        X509Certificate after = Pem.readCertificates(out.resolve("meter-2.crt")).get(0);
        assertNotEquals(before.getSerialNumber(), after.getSerialNumber());
        assertArrayEquals(before.getPublicKey().getEncoded(), after.getPublicKey().getEncoded());
        CliRun.Result verifyNew = CliRun.openssl(temp, "verify", "-crl_check", "-CAfile", out.resolve("ca.crt").toString(),
                "-CRLfile", setup.crlFile().toString(), out.resolve("meter-2.crt").toString());
        assertEquals(0, verifyNew.exitCode(), verifyNew.toString());
        CliRun.Result verifyOld = CliRun.openssl(temp, "verify", "-crl_check", "-CAfile", out.resolve("ca.crt").toString(),
                "-CRLfile", setup.crlFile().toString(), first.resolve("meter-2.crt").toString());
        assertTrue(verifyOld.out().contains("certificate revoked"), verifyOld.toString());
    }

    @Test
    void crlExportPrintsPemThatOpensslAcceptsAndCrlUpdateRaisesTheCrlNumber() throws Exception {
        CliRun.Result export = CliRun.broker("crl", "export", "--data", data);
        assertEquals(0, export.exitCode(), export.toString());
        Path exported = temp.resolve("exported.pem");
        Files.writeString(exported, export.out());
        String before = crlNumber(exported);

        CliRun.Result update = CliRun.broker("crl", "update", "--data", data);

        assertEquals(0, update.exitCode(), update.toString());
        Files.writeString(exported, CliRun.broker("crl", "export", "--data", data).out());
        String after = crlNumber(exported);
        assertTrue(Long.parseLong(after, 16) > Long.parseLong(before, 16), before + " then " + after);
    }

    @Test
    void caShowPrintsTheFingerprintsOpensslComputes() throws Exception {
        CliRun.Result show = CliRun.broker("ca", "show", "--data", data);
        assertEquals(0, show.exitCode(), show.toString());
        for (String file : List.of("root-ca.crt", "issuing-ca.crt")) {
            String fingerprint = CliRun.openssl(temp, "x509", "-in", setup.dataDirectory().resolve(file).toString(),
                    "-noout", "-fingerprint", "-sha256").out().strip().replaceFirst(".*=", "");
            assertTrue(show.out().contains("SHA-256:    " + fingerprint + "\n"), fingerprint + " in " + show.out());
        }
        CliRun.Result pem = CliRun.broker("ca", "show", "--data", data, "--pem");
        assertEquals(Files.readString(setup.caChain()), pem.out());
    }

    @Test
    void everyAdminCommandHasHelp() {
        List<List<String>> commands = List.of(List.of("device"), List.of("device", "add"), List.of("device", "revoke"),
                List.of("device", "remove"), List.of("device", "list"), List.of("cert"), List.of("cert", "list"),
                List.of("cert", "show"), List.of("cert", "renew"), List.of("crl"), List.of("crl", "export"),
                List.of("crl", "update"), List.of("ca"), List.of("ca", "show"), List.of("enroll"));
        for (List<String> command : commands) {
            String[] args = java.util.stream.Stream.concat(command.stream(), java.util.stream.Stream.of("--help"))
                    .toArray(String[]::new);
            CliRun.Result help = CliRun.broker(args);
            assertEquals(0, help.exitCode(), command + ": " + help);
            assertTrue(help.out().startsWith("Usage: broker.jar " + String.join(" ", command)), command + ": " + help);
        }
    }

    private static String crlNumber(Path crl) throws Exception {
        String text = CliRun.openssl(temp, "crl", "-in", crl.toString(), "-noout", "-crlnumber").out();
        assertTrue(text.startsWith("crlNumber=0x"), text);
        return text.strip().substring("crlNumber=0x".length());
    }
}
