package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.pki.DataDirectory;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the jar says when the operator's surroundings are wrong: the cause, never a bare path or "null". */
class ErrorMessagesIT {

    private static final Duration WAIT = Duration.ofSeconds(40);

    @TempDir
    Path work;

    @Test
    void dataThatIsAFileIsCalledAFileByAdminCommandsAndRun() throws Exception {
        Files.writeString(work.resolve("afile"), "");

        BrokerProcess.Result list = BrokerProcess.run(work, "device", "list", "--data", "afile");
        BrokerProcess.Result run = BrokerProcess.run(work, "--data", "afile", "--port", Integer.toString(Ports.freePort()));

        assertEquals(1, list.exitCode(), list.output());
        assertTrue(list.output().contains("afile: is a file, not a data directory"), list.output());
        assertEquals(1, run.exitCode(), run.output());
        assertTrue(run.output().contains("afile: is a file, not a data directory"), run.output());
    }

    @Test
    void enrollWithNothingListeningSaysSo() throws Exception {
        int port = Ports.freePort();

        BrokerProcess.Result enroll = BrokerProcess.run(work, "enroll", "--url", "https://127.0.0.1:" + port,
                "--id", "dev1", "--secret", "s", "--insecure-skip-verify");

        assertEquals(1, enroll.exitCode(), enroll.output());
        assertTrue(enroll.output().contains("nothing accepts connections at 127.0.0.1:" + port), enroll.output());
        assertFalse(enroll.output().contains("null"), enroll.output());
    }

    @Test
    void lockFileHeldByAnotherProcessIsNamedInsteadOfWaitingForever() throws Exception {
        DataDirectory.openOrInitialize(work.resolve("data"), 8883);
        Path lockFile = work.resolve("data/index.txt.lock");
        // python's lockf is fcntl's, the lock the JVM takes: a real second process holding it.
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl,sys; f=open(sys.argv[1],'a');"
                + " fcntl.lockf(f, fcntl.LOCK_EX); print('locked', flush=True); sys.stdin.read()", lockFile.toString())
                .redirectErrorStream(true).start();
        try {
            assertEquals("locked", new BufferedReader(new InputStreamReader(holder.getInputStream())).readLine());
            try (BrokerProcess add = BrokerProcess.start(work, "device", "add", "waits", "--data", "data", "--out", "o")) {
                assertEquals(1, add.awaitExit(WAIT), add.output());
                assertTrue(add.output().contains(lockFile + " is held by another process"), add.output());
            }
        } finally {
            holder.getOutputStream().close();
            holder.waitFor();
        }
    }

    @Test
    void privateDirectoryThisUserCannotReadIsNamedWithItsOwner() throws Exception {
        DataDirectory.openOrInitialize(work.resolve("data"), 8883);
        openToEveryone(work);
        // As root the jar runs as nobody, for whom 0700 is closed; as anyone else, 0000 closes it to its owner.
        Files.setPosixFilePermissions(work.resolve("data/private"),
                PosixFilePermissions.fromString(runningAsRoot() ? "rwx------" : "---------"));
        String owner = Files.getOwner(work.resolve("data/private")).getName();

        BrokerProcess.Result add = asAnotherUser("device", "add", "dev1", "--data", "data", "--out", "o");

        assertEquals(1, add.exitCode(), add.output());
        assertTrue(add.output().contains("data/private: permission denied: the CA's keys are readable by " + owner
                + " only"), add.output());
    }

    @Test
    void dataDirectoryThisUserCannotWriteIsNamedWithTheCause() throws Exception {
        DataDirectory.openOrInitialize(work.resolve("data"), 8883);
        openToEveryone(work);
        // Keys readable, directory not writable: what a read-only mount of the data looks like.
        Files.setPosixFilePermissions(work.resolve("data/index.txt.lock"), PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(work.resolve("data"), PosixFilePermissions.fromString("r-xr-xr-x"));
        Files.createDirectories(work.resolve("o"));
        Files.setPosixFilePermissions(work.resolve("o"), PosixFilePermissions.fromString("rwxrwxrwx"));

        BrokerProcess.Result add = asAnotherUser("device", "add", "dev1", "--data", "data", "--out", "o");

        assertNotEquals(0, add.exitCode(), add.output());
        assertTrue(add.output().contains("index.txt.lock: permission denied"), add.output());
    }

    private static boolean runningAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Everything readable by everyone (keys included): the test's other user must get past reading. */
    private static void openToEveryone(Path dir) throws Exception {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /**
     * Permissions mean nothing to root: when the tests run as root, the jar runs as nobody
     * (setpriv), so "permission denied" is the kernel's answer, as an operator would get it.
     */
    private BrokerProcess.Result asAnotherUser(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        command.addAll(BrokerProcess.command(args));
        Process p = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        return new BrokerProcess.Result(p.waitFor(), out);
    }
}
