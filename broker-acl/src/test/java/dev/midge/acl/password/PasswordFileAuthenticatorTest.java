package dev.midge.acl.password;

import dev.midge.testing.LogCapture;
import dev.midge.acl.InvalidFileException;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.ConnectRequest;
import dev.midge.testing.Deadlines;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Password files made by the real mosquitto_passwd, checked the way mosquitto checks them. */
class PasswordFileAuthenticatorTest {

    @TempDir
    Path dir;

    @Test
    void mosquittoPasswdDefaultWritesPbkdf2HashesThatVerify() throws Exception {
        Path file = passwd("-c", "-b", "alice", "s3cret");
        assertTrue(Files.readString(file).startsWith("alice:$7$"), Files.readString(file));
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(supplier(file), false);

        assertEquals(AuthenticationResult.accept("alice"), auth.authenticate(connect("alice", "s3cret")));
        assertEquals(AuthenticationResult.refuse("wrong password for user 'alice'"),
                auth.authenticate(connect("alice", "s3cret!")));
    }

    @Test
    void mosquittoPasswdSha512WritesSaltedSha512HashesThatVerify() throws Exception {
        Path file = passwd("-c", "-H", "sha512", "-b", "bob", "hunter2");
        assertTrue(Files.readString(file).startsWith("bob:$6$"), Files.readString(file));
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(supplier(file), false);

        assertTrue(auth.authenticate(connect("bob", "hunter2")).accepted());
        assertFalse(auth.authenticate(connect("bob", "hunter3")).accepted());
    }

    @Test
    void nonAsciiPasswordsVerifyByteForByte() throws Exception {
        Path file = passwd("-c", "-b", "zoë", "pässwörd€");
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(supplier(file), false);
        assertTrue(auth.authenticate(connect("zoë", "pässwörd€")).accepted());
        assertFalse(auth.authenticate(connect("zoë", "passwort")).accepted());
    }

    @Test
    void anEmptyPasswordVerifies() throws Exception {
        Path file = passwd("-c", "-b", "nopass", "");
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(supplier(file), false);
        assertTrue(auth.authenticate(connect("nopass", "")).accepted());
        assertFalse(auth.authenticate(connect("nopass", "x")).accepted());
    }

    @Test
    void unknownUsersAndMissingPasswordsAreRefusedWithAReason() throws Exception {
        Path file = passwd("-c", "-b", "alice", "s3cret");
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(supplier(file), true);

        assertEquals(AuthenticationResult.refuse("unknown user 'mallory'"), auth.authenticate(connect("mallory", "s3cret")));
        assertEquals(AuthenticationResult.refuse("no password for user 'alice'"), auth.authenticate(connect("alice", null)));
    }

    @Test
    void anonymousClientsAreLetInOnlyWhenAllowed() throws Exception {
        Path file = passwd("-c", "-b", "alice", "s3cret");
        assertEquals(AuthenticationResult.accept(null),
                new PasswordFileAuthenticator(supplier(file), true).authenticate(connect(null, null)));
        assertEquals(AuthenticationResult.refuse("no username and anonymous access is not allowed"),
                new PasswordFileAuthenticator(supplier(file), false).authenticate(connect(null, null)));
    }

    @Test
    void manyUsersInOneFileEachHaveTheirOwnPassword() throws Exception {
        Path file = passwd("-c", "-b", "u1", "p1");
        passwdAppend(file, "-b", "u2", "p2");
        passwdAppend(file, "-H", "sha512", "-b", "u3", "p3");
        PasswordFileAuthenticator auth = new PasswordFileAuthenticator(supplier(file), false);
        assertTrue(auth.authenticate(connect("u2", "p2")).accepted());
        assertTrue(auth.authenticate(connect("u3", "p3")).accepted());
        assertFalse(auth.authenticate(connect("u1", "p2")).accepted());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "alice                                | pw:2: expected USERNAME:HASH",
            ":$6$abc$def                          | pw:2: the username is empty",
            "alice:plaintext                      | pw:2: user 'alice' has an invalid password hash: not a $6$ or $7$ hash (plain-text passwords can be hashed with mosquitto_passwd -U)",
            "alice:$5$abc$def                     | pw:2: user 'alice' has an invalid password hash: unsupported hash type '$5$' (mosquitto_passwd writes $6$ or $7$)",
            "alice:$7$many$c2FsdA==$aGFzaA==      | pw:2: user 'alice' has an invalid password hash: the iteration count 'many' is not a positive number",
            "alice:$6$c2FsdA==$aGFzaA==           | pw:2: user 'alice' has an invalid password hash: the salt is 4 bytes, expected 12",
            "alice:$6$!!!$aGFzaA==                | pw:2: user 'alice' has an invalid password hash: the salt is not base64",
            "alice:$6$abc                         | pw:2: user 'alice' has an invalid password hash: a $6$ hash has the form $6$SALT$HASH",
    })
    void aBadLineIsReportedWithFileAndLine(String badLine, String message) {
        InvalidFileException e = assertThrows(InvalidFileException.class,
                () -> PasswordFile.parse("pw", Arrays.asList("# users", badLine)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void aUserListedTwiceIsAMistake() throws Exception {
        Path file = passwd("-c", "-b", "alice", "one");
        String line = Files.readString(file).strip();
        InvalidFileException e = assertThrows(InvalidFileException.class,
                () -> PasswordFile.parse("pw", List.of(line, "", line)));
        assertEquals("pw:3: user 'alice' is already defined on line 1", e.getMessage());
    }

    @Test
    void aChangedPasswordFileAppliesToTheNextConnect() throws Exception {
        Path file = passwd("-c", "-b", "alice", "old");
        try (FileWatcher watcher = FileWatcher.start()) {
            PasswordFileAuthenticator auth = PasswordFileAuthenticator.fromFile(file, false, watcher);
            assertTrue(auth.authenticate(connect("alice", "old")).accepted());

            // How mosquitto_passwd rewrites the file is its business: either way the change is seen.
            passwdAppend(file, "-b", "alice", "new");

            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> auth.authenticate(connect("alice", "new")).accepted());
            assertFalse(auth.authenticate(connect("alice", "old")).accepted());

            Path replacement = dir.resolve("replacement");
            Files.copy(passwd("-c", "-b", "bob", "bobpw").toAbsolutePath(), replacement);
            Files.move(replacement, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> auth.authenticate(connect("bob", "bobpw")).accepted());
            assertFalse(auth.authenticate(connect("alice", "new")).accepted());
        }
    }

    @Test
    void aBrokenPasswordFileKeepsThePreviousPasswords() throws Exception {
        Path file = passwd("-c", "-b", "alice", "s3cret");
        try (FileWatcher watcher = FileWatcher.start(); LogCapture log = LogCapture.of(Reloadable.class)) {
            PasswordFileAuthenticator auth = PasswordFileAuthenticator.fromFile(file, false, watcher);
            Files.writeString(file, Files.readString(file) + "bob:hunter2\n");

            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(log::messages, hasItem("Not reloading password file: " + file
                    + ":2: user 'bob' has an invalid password hash: not a $6$ or $7$ hash (plain-text passwords"
                    + " can be hashed with mosquitto_passwd -U); the previous password file stays in force."));
            assertTrue(auth.authenticate(connect("alice", "s3cret")).accepted());
            assertFalse(auth.authenticate(connect("bob", "hunter2")).accepted());
        }
    }

    @Test
    void aBrokenPasswordFileAtStartUpIsFatal() throws Exception {
        Path file = Files.writeString(dir.resolve("broken"), "alice\n");
        try (FileWatcher watcher = FileWatcher.start()) {
            InvalidFileException e = assertThrows(InvalidFileException.class,
                    () -> PasswordFileAuthenticator.fromFile(file, true, watcher));
            assertEquals(file + ":1: expected USERNAME:HASH", e.getMessage());
        }
    }

    private Path passwd(String... args) {
        Path file = dir.resolve("passwd-" + System.nanoTime());
        run(file, args);
        return file;
    }

    private void passwdAppend(Path file, String... args) {
        run(file, args);
    }

    // mosquitto_passwd takes the file after the options and before the username.
    private static void run(Path file, String... args) {
        int users = args.length - 2; // username and password are always last (batch mode)
        String[] command = new String[args.length + 1];
        System.arraycopy(args, 0, command, 0, users);
        command[users] = file.toString();
        System.arraycopy(args, users, command, users + 1, 2);
        ProcessResult result = MosquittoClients.passwd(command);
        assertEquals(0, result.exitCode(), result.toString());
    }

    private static java.util.function.Supplier<PasswordFile> supplier(Path file) throws InvalidFileException {
        PasswordFile parsed = PasswordFile.read(file);
        return () -> parsed;
    }

    private static ConnectRequest connect(String username, String password) {
        return new ConnectRequest("client-1", username,
                password == null ? null : password.getBytes(StandardCharsets.UTF_8),
                new InetSocketAddress("127.0.0.1", 50000), 1883, null);
    }
}
