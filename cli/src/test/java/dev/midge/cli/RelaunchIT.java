package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.Deadlines;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar broker.jar} re-launches itself once with lean JVM options; the user's own
 * options win, MIDGE_NO_RELAUNCH=1 runs in-process, and signals and the exit code pass through.
 */
class RelaunchIT {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path work;
    private int port;

    @BeforeEach
    void conf() throws Exception {
        port = Ports.freePort();
        Files.writeString(work.resolve("broker.conf"), "listener " + port + " 127.0.0.1\nallow_anonymous true\n");
    }

    @Test
    void brokerRunsInAChildJvmWithTheLeanOptionsAndServesClients() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "broker.conf")) {
            broker.awaitLine("Midge .* running", WAIT);

            List<String> child = commandLineOf(onlyChild(broker));
            assertTrue(child.contains("-XX:+UseSerialGC"), child.toString());
            assertTrue(child.contains("-Xms16m"), child.toString());
            assertTrue(broker.output().contains("JVM re-launched by broker.jar with [-XX:+UseSerialGC"), broker.output());
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), "-t", "a", "-m", "b").exitCode());
        }
    }

    @Test
    void userGivenHeapAndCollectorWinOverTheLaunchersOwn() throws Exception {
        // With both -XX:+UseSerialGC and the user's ParallelGC the child JVM would refuse to start.
        try (BrokerProcess broker = BrokerProcess.startWithJvmOptions(work,
                Map.of("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC"), List.of("-Xmx200m", "-Xms32m"),
                "-c", "broker.conf")) {
            String line = broker.awaitLine("JVM re-launched", WAIT);
            broker.awaitLine("Midge .* running", WAIT);

            List<String> child = commandLineOf(onlyChild(broker));
            assertTrue(child.contains("-Xmx200m") && child.contains("-Xms32m"), child.toString());
            assertFalse(child.contains("-XX:+UseSerialGC") || child.contains("-Xms16m"), child.toString());
            Matcher heap = Pattern.compile("heap at most (\\d+) MiB").matcher(line);
            assertTrue(heap.find(), line);
            assertTrue(Integer.parseInt(heap.group(1)) <= 200, line);
        }
    }

    @Test
    void firstRunRecordsAClassDataArchiveAtExitAndTheNextStartMapsIt() throws Exception {
        Map<String, String> cache = Map.of("XDG_CACHE_HOME", work.resolve("cache").toString());
        try (BrokerProcess first = BrokerProcess.start(work, cache, "-c", "broker.conf")) {
            first.awaitLine("Midge .* running", WAIT);
            assertTrue(commandLineOf(onlyChild(first)).stream().anyMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit=")),
                    first.output());
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), "-t", "a", "-m", "b").exitCode());
            signal("TERM", first.pid());
            assertEquals(0, first.awaitExit(WAIT), first.output());
        }
        Path dir = work.resolve("cache/midge");
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(dir)), "the JVM runs what it maps: the cache is closed to others");
        List<Path> archives;
        try (var files = Files.list(dir)) {
            archives = files.toList();
        }
        assertEquals(1, archives.size(), "one archive, no temporary left: " + archives);
        assertTrue(archives.get(0).getFileName().toString().matches("broker-[0-9a-f]+\\.jsa"), archives.toString());

        try (BrokerProcess second = BrokerProcess.start(work, cache, "-c", "broker.conf")) {
            second.awaitLine("Midge .* running", WAIT);
            assertTrue(commandLineOf(onlyChild(second)).contains("-XX:SharedArchiveFile=" + archives.get(0)),
                    second.output());
            assertFalse(second.output().contains("[cds]"), "CDS's own warnings are not the user's: " + second.output());
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), "-t", "a", "-m", "b").exitCode());
        }
    }

    @Test
    void aCacheDirectoryOthersMayWriteIsNotUsedForTheArchive() throws Exception {
        Path dir = Files.createDirectories(work.resolve("cache/midge"));
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        try (BrokerProcess broker = BrokerProcess.start(work, Map.of("XDG_CACHE_HOME", work.resolve("cache").toString()),
                "-c", "broker.conf")) {
            broker.awaitLine("Midge .* running", WAIT);

            List<String> child = commandLineOf(onlyChild(broker));
            assertTrue(child.contains("-XX:+UseSerialGC"), child.toString());
            assertFalse(child.stream().anyMatch(o -> o.contains("SharedArchiveFile") || o.contains("ArchiveClassesAtExit")),
                    child.toString());
        }
    }

    @Test
    void midgeNoRelaunchRunsTheBrokerInTheStartedJvm() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(work, Map.of("MIDGE_NO_RELAUNCH", "1"), "-c", "broker.conf")) {
            broker.awaitLine("Midge .* running", WAIT);

            assertEquals(List.of(), broker.children());
            assertTrue(broker.output().contains("JVM not re-launched (MIDGE_NO_RELAUNCH)"), broker.output());
            assertEquals(0, MosquittoClients.publish(MosquittoClients.options(port), "-t", "a", "-m", "b").exitCode());
        }
    }

    @Test
    void sighupReloadsAndSigtermStopsWithExitCodeZeroThroughTheLauncher() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "broker.conf", "--pid-file", "broker.pid")) {
            broker.awaitLine("Midge .* running", WAIT);
            ProcessHandle child = onlyChild(broker);
            assertEquals(Long.toString(broker.pid()), Files.readString(work.resolve("broker.pid")).strip(),
                    "the pid file names the process the user started");

            signal("HUP", broker.pid());
            broker.awaitLine("Received SIGHUP: reloading", Deadlines.RELOAD);
            assertTrue(child.isAlive());

            signal("TERM", broker.pid());
            assertEquals(0, broker.awaitExit(WAIT), broker.output());
            assertTrue(broker.output().contains("terminating"), broker.output());
            child.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void killingTheLauncherOutrightStopsTheBrokerToo() throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "broker.conf")) {
            broker.awaitLine("Midge .* running", WAIT);
            ProcessHandle child = onlyChild(broker);

            signal("KILL", broker.pid());

            child.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS); // the watch notices within seconds
            assertFalse(child.isAlive());
        }
    }

    private static ProcessHandle onlyChild(BrokerProcess broker) {
        List<ProcessHandle> children = broker.children();
        assertEquals(1, children.size(), "one re-launched broker: " + children);
        return children.get(0);
    }

    private static List<String> commandLineOf(ProcessHandle process) throws Exception {
        byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
        return Arrays.asList(new String(cmdline, StandardCharsets.UTF_8).split("\0"));
    }

    private static void signal(String name, long pid) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }
}
