package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's log destinations and log types as broker.jar honours them: {@code log_dest topic}
 * ({@code $SYS/broker/log/...}, seen with the real mosquitto_sub), {@code log_dest syslog} with
 * {@code log_facility} (received by a syslog socket the test binds, RFC 3164 lines) and {@code log_type notice}
 * apart from {@code log_type information}. Absence is proven by a line that must come later.
 */
class LogDestinationsIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    private final int port = Ports.freePort();

    private BrokerProcess start(String options) throws Exception {
        return start(options, Map.of());
    }

    private BrokerProcess start(String options, Map<String, String> environment) throws Exception {
        Path passwords = work.resolve("passwords");
        assertEquals(0, MosquittoClients.passwd("-c", "-b", passwords.toString(), "watcher", "secret").exitCode());
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), "allow_anonymous false\npassword_file "
                + passwords + "\nlistener " + port + " 127.0.0.1\n" + options);
        return BrokerProcess.start(work, environment, "-c", conf.toString());
    }

    private MosquittoClients.Options watcher() {
        return MosquittoClients.options(port).user("watcher", "secret");
    }

    /** Connects (retrying while the broker does not listen yet) and leaves; returns once it was let in. */
    private void visit(String clientId) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        ProcessResult result;
        do {
            result = MosquittoClients.publish(watcher().clientId(clientId), "-t", "visits", "-m", "x");
            if (result.succeeded()) {
                return;
            }
            Thread.sleep(100); // polling a port that is not open yet, not synchronisation
        } while (System.nanoTime() < deadline);
        throw new AssertionError("never got through: " + result);
    }

    private RunningSubscriber logSubscriber() throws InterruptedException {
        visit("probe");
        RunningSubscriber sub = MosquittoClients.subscribe(watcher().mqtt5(), "-q", "2", "-t", "$SYS/broker/log/#",
                "-F", "%t q%q r%r %p");
        assertNotNull(sub.awaitSubscribed(WAIT), sub.stderr());
        return sub;
    }

    private static List<String> linesUntil(RunningSubscriber sub, String fragment) throws InterruptedException {
        List<String> seen = new ArrayList<>();
        for (String line; (line = sub.awaitLine(WAIT)) != null; ) {
            seen.add(line);
            if (line.contains(fragment)) {
                return seen;
            }
        }
        throw new AssertionError("no line with '" + fragment + "' on $SYS/broker/log; got " + seen + " " + sub.stderr());
    }

    @Test
    void logDestTopicPublishesARefusedClientsLinesAsMosquittoDoes() throws Exception {
        try (BrokerProcess broker = start("log_dest topic\nlog_dest stderr\n");
             RunningSubscriber sub = logSubscriber()) {
            assertFalse(MosquittoClients.publish(MosquittoClients.options(port).clientId("intruder")
                    .user("intruder", "guess"), "-t", "a", "-m", "x").succeeded());

            List<String> lines = linesUntil(sub, "(username intruder) refused");
            assertTrue(lines.stream().anyMatch(l -> l.matches("\\$SYS/broker/log/N q2 r0 \\S+ New connection from "
                    + "127\\.0\\.0\\.1:\\d+ on port " + port + "\\.")), lines.toString());
            String refusal = lines.get(lines.size() - 1);
            assertTrue(refusal.matches("\\$SYS/broker/log/W q2 r0 \\S+ Client intruder .*\\(username intruder\\) "
                    + "refused: .*"), refusal);
            // The same line on stderr, where log_dest stderr sends it too.
            broker.awaitLine("WARN +Client intruder .*\\(username intruder\\) refused", WAIT);
        }
    }

    @Test
    void logDestTopicPublishesOnlyTheLogTypesAskedFor() throws Exception {
        try (BrokerProcess broker = start("log_dest topic\nlog_type warning\n");
             RunningSubscriber sub = logSubscriber()) {
            assertFalse(MosquittoClients.publish(MosquittoClients.options(port).clientId("intruder")
                    .user("intruder", "guess"), "-t", "a", "-m", "x").succeeded());

            // Its "New connection" notice would have come first.
            String first = sub.awaitLine(WAIT);
            assertTrue(first != null && first.startsWith("$SYS/broker/log/W q2 r0 ")
                    && first.contains("(username intruder) refused"), first + " " + sub.stderr());
            // log_dest topic alone: nothing on stderr.
            assertFalse(broker.output().contains("refused"), broker.output());
        }
    }

    @Test
    void logTypeNoticeAloneShowsConnectionsButNotStartUpInformation() throws Exception {
        try (BrokerProcess broker = start("log_type notice\n")) {
            visit("visitor");
            String connected = broker.awaitLine("New client connected from 127\\.0\\.0\\.1:\\d+ as visitor", WAIT);
            List<String> earlier = broker.linesBefore(connected);
            assertFalse(earlier.stream().anyMatch(l -> l.contains("Config loaded from") || l.matches(".*Midge .* running")
                    || l.contains("listen socket")), earlier.toString());
        }
    }

    @Test
    void logTypeInformationAloneShowsStartUpButNotConnections() throws Exception {
        try (BrokerProcess broker = start("log_type information\n")) {
            broker.awaitLine("Midge .* running", WAIT);
            broker.awaitLine("listen socket on .*:" + port, WAIT);
            visit("visitor");
            // An information line that must come after the visitor's connect lines.
            new ProcessBuilder("kill", "-HUP", Long.toString(broker.pid())).start().waitFor();
            String reload = broker.awaitLine("Received SIGHUP: reloading\\.", WAIT);
            List<String> earlier = broker.linesBefore(reload);
            assertFalse(earlier.stream().anyMatch(l -> l.contains("New connection from") || l.contains("as visitor")),
                    earlier.toString());
        }
    }

    /** syslog(3)'s line, RFC 3164: {@code <PRI>Mmm dd hh:mm:ss TAG[PID]: MESSAGE}. */
    private static final Pattern RFC3164 = Pattern.compile(
            "<(\\d{1,3})>[A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d midge\\[(\\d+)\\]: (.*)");

    @Test
    void logDestSyslogSendsRfc3164LinesWithTheFacilityOfLogFacility() throws Exception {
        try (SyslogReceiver syslog = SyslogReceiver.bind(work.resolve("log.sock"));
             BrokerProcess broker = start("log_dest syslog\nlog_facility 5\n",
                     Map.of("MIDGE_SYSLOG_SOCKET", syslog.path().toString()))) {
            visit("visitor");
            // local5 is facility 21: a notice is 21 * 8 + 5, information 21 * 8 + 6
            Matcher notice = syslog.await(RFC3164, "New client connected from 127\\.0\\.0\\.1:\\d+ as visitor", WAIT);
            assertEquals(173, Integer.parseInt(notice.group(1)), notice.group());
            Matcher information = syslog.await(RFC3164, "Config loaded from ", WAIT);
            assertEquals(174, Integer.parseInt(information.group(1)), information.group());
            assertTrue(syslog.received().stream().allMatch(l -> RFC3164.matcher(l).matches()), syslog.received().toString());
            // log_dest syslog alone, as in mosquitto: nothing on stderr.
            assertFalse(broker.output().contains("as visitor"), broker.output());
        }
    }

    @Test
    void logDestSyslogUsesTheDaemonFacilityByDefault() throws Exception {
        try (SyslogReceiver syslog = SyslogReceiver.bind(work.resolve("log.sock"));
             BrokerProcess broker = start("log_dest syslog\nlog_dest stderr\n",
                     Map.of("MIDGE_SYSLOG_SOCKET", syslog.path().toString()))) {
            visit("probe");
            assertFalse(MosquittoClients.publish(MosquittoClients.options(port).clientId("intruder")
                    .user("intruder", "guess"), "-t", "a", "-m", "x").succeeded());
            // daemon is facility 3: a warning is 3 * 8 + 4
            Matcher refusal = syslog.await(RFC3164, "\\(username intruder\\) refused", WAIT);
            assertEquals(28, Integer.parseInt(refusal.group(1)), refusal.group());
            broker.awaitLine("WARN +Client intruder .*\\(username intruder\\) refused", WAIT);
        }
    }
}
