package dev.midge.broker.sys;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.metrics.Figure;
import dev.midge.broker.testing.EmbeddedBroker;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's {@code $SYS/broker/...} tree and Midge's own under {@code $SYS/broker/midge/}, seen with the
 * real {@code mosquitto_sub -t '$SYS/#' -v}; and {@code $SYS} is the broker's: clients cannot write there,
 * and {@code #} does not reach it.
 */
class SysTopicsTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private static EmbeddedBroker broker(Consumer<BrokerOptions.Builder> more) {
        return EmbeddedBroker.start(b -> {
            b.sysInterval(1);
            more.accept(b);
        });
    }

    @Test
    void mosquittoSubSeesMosquittosTopicsAndMidgesOwn() throws Exception {
        try (EmbeddedBroker broker = broker(b -> b.figureSource(out ->
                out.accept(Figure.counter("tls/refusals", "refused handshakes", "reason", "revoked", 3))));
             RunningSubscriber sys = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                     "-t", "$SYS/#", "-v")) {
            assertNotNull(sys.awaitSubscribed(DEADLINE), sys.stderr());
            List<String> seen = new ArrayList<>();
            for (String expected : List.of("$SYS/broker/version midge version ", "$SYS/broker/uptime ",
                    "$SYS/broker/clients/connected 1", "$SYS/broker/clients/total 1", "$SYS/broker/clients/maximum 1",
                    "$SYS/broker/load/messages/received/1min ", "$SYS/broker/load/connections/15min ",
                    "$SYS/broker/retained messages/count ", "$SYS/broker/subscriptions/count 1",
                    "$SYS/broker/heap/current ", "$SYS/broker/bytes/received ",
                    "$SYS/broker/midge/acl/denials 0", "$SYS/broker/midge/tls/refusals/revoked 3")) {
                awaitLine(sys, seen, l -> l.startsWith(expected), expected);
            }

            for (int i = 0; i < 3; i++) {
                assertTrue(MosquittoClients.publish(MosquittoClients.options(broker.port()),
                        "-t", "data/" + i, "-m", "x", "-q", "1").succeeded());
            }
            // Updated at the next interval: the three publishes are counted.
            awaitLine(sys, seen, l -> l.startsWith("$SYS/broker/publish/messages/received ")
                    && Long.parseLong(l.substring(l.lastIndexOf(' ') + 1)) >= 3, "publish/messages/received >= 3");
            awaitLine(sys, seen, l -> l.matches("\\$SYS/broker/uptime [1-9][0-9]* seconds"), "uptime moves");
        }
    }

    @Test
    void messagesAFullQueueDropsAreCounted() throws Exception {
        try (EmbeddedBroker broker = broker(b -> b.maxQueuedMessages(1));
             RunningSubscriber sys = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                     "-t", "$SYS/broker/clients/disconnected", "-t", "$SYS/broker/publish/messages/dropped", "-v")) {
            assertNotNull(sys.awaitSubscribed(DEADLINE), sys.stderr());
            List<String> seen = new ArrayList<>();
            try (RunningSubscriber sleeper = MosquittoClients.subscribe(MosquittoClients.options(broker.port())
                    .clientId("sleeper"), "-c", "-q", "1", "-t", "queued/#")) {
                assertNotNull(sleeper.awaitSubscribed(DEADLINE), sleeper.stderr());
            }
            awaitLine(sys, seen, l -> l.equals("$SYS/broker/clients/disconnected 1"), "the sleeper's session kept");
            for (int i = 0; i < 3; i++) {
                assertTrue(MosquittoClients.publish(MosquittoClients.options(broker.port()),
                        "-t", "queued/" + i, "-m", "x", "-q", "1").succeeded());
            }
            // a queue of one: the two older messages were dropped
            awaitLine(sys, seen, l -> l.equals("$SYS/broker/publish/messages/dropped 2"), "dropped 2");
        }
    }

    @Test
    void clientsCannotPublishIntoSysAsInMosquitto() throws Exception {
        try (EmbeddedBroker broker = broker(b -> b.sysInterval(0));
             RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                     "-t", "$SYS/#", "-t", "marker", "-v")) {
            assertNotNull(sub.awaitSubscribed(DEADLINE), sub.stderr());
            // 3.1.1 has no negative PUBACK: acknowledged and dropped, as mosquitto 2.0 does.
            ProcessResult v3 = MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "$SYS/broker/uptime", "-m", "forged", "-q", "1", "-r", "-d");
            assertTrue(v3.succeeded(), v3.toString());
            assertTrue(v3.stdout().contains("received PUBACK"), v3.toString());
            // v5: PUBACK 0x87 Not authorized, which mosquitto_pub reports.
            ProcessResult v5 = MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "$SYS/anything", "-m", "forged", "-q", "1", "-V", "mqttv5");
            assertTrue(v5.stderr().contains("Not authorized"), v5.toString());
            assertTrue(MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "marker", "-m", "next", "-q", "1").succeeded());
            assertEquals("marker next", sub.awaitLine(DEADLINE), "the forged $SYS messages were routed");
        }
        try (EmbeddedBroker broker = broker(b -> b.sysInterval(0))) {
            MosquittoClients.publish(MosquittoClients.options(broker.port()),
                    "-t", "$SYS/broker/uptime", "-m", "forged", "-q", "1", "-r");
            MosquittoClients.publish(MosquittoClients.options(broker.port()), "-t", "marker", "-m", "kept", "-r");
            try (RunningSubscriber late = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                    "-t", "$SYS/#", "-t", "marker", "-v")) {
                // Retained messages come in the order of the filters: a stored $SYS one would come first.
                assertEquals("marker kept", late.awaitLine(DEADLINE), "the forged $SYS message was retained");
            }
        }
    }

    @Test
    void hashDoesNotMatchSysTopics() throws Exception {
        try (EmbeddedBroker broker = broker(b -> { });
             RunningSubscriber sys = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                     "-t", "$SYS/broker/uptime", "-v")) {
            assertNotNull(sys.awaitLine(DEADLINE), "no $SYS/broker/uptime at all");
            try (RunningSubscriber all = MosquittoClients.subscribe(MosquittoClients.options(broker.port()),
                    "-t", "#", "-v")) {
                assertNotNull(all.awaitSubscribed(DEADLINE), all.stderr());
                MosquittoClients.publish(MosquittoClients.options(broker.port()), "-t", "marker", "-m", "next");
                assertEquals("marker next", all.awaitLine(DEADLINE), "'#' got a retained $SYS topic");
            }
        }
    }

    private static void awaitLine(RunningSubscriber sub, List<String> seen, Predicate<String> wanted, String what)
            throws InterruptedException {
        if (seen.stream().anyMatch(wanted)) {
            return;
        }
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (System.nanoTime() < deadline) {
            String line = sub.awaitLine(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (line == null) {
                break;
            }
            seen.add(line);
            if (wanted.test(line)) {
                return;
            }
        }
        throw new AssertionError("no line " + what + " within " + DEADLINE + "; got:\n" + String.join("\n", seen));
    }
}
