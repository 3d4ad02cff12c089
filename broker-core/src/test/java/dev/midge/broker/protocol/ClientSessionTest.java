package dev.midge.broker.protocol;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.DeliveryBatch;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.message.Message;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Outbound;
import dev.midge.broker.session.Permissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The protocol rules of one connection, on the engine object alone: no sockets, no Netty. */
class ClientSessionTest {

    /** Clients may publish and read anything except under "secret/"; "readonly/" they may only read. */
    private static final Authorizer NO_SECRETS = new Authorizer() {
        @Override public boolean canPublish(ClientIdentity client, String topic) {
            return !topic.startsWith("secret/") && !topic.startsWith("readonly/");
        }
        @Override public boolean canSubscribe(ClientIdentity client, String filter) { return !filter.startsWith("secret/"); }
        @Override public boolean canReceive(ClientIdentity client, String topic) { return !topic.startsWith("secret/"); }
    };

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private MqttEngine engine = engine(options().build());

    /** A connected client and what was sent to it. */
    private record Connected(ClientSession client, List<Outbound> received, MqttEngine.ConnectOutcome outcome,
                             DeliverySink sink) {
    }

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** The engine never opens the listener: these tests have no sockets. */
    private static BrokerOptions.Builder options() {
        return BrokerOptions.builder().listener(ListenerOptions.plain(0));
    }

    private MqttEngine engine(BrokerOptions options) {
        return new MqttEngine(options, timer);
    }

    private Connected connect(String clientId, String username, boolean v5, boolean cleanStart, long expiry,
                              Message will) {
        Permissions permissions = new Permissions(new ClientIdentity(clientId, username, null, 0, null), NO_SECRETS);
        MqttEngine.ConnectOutcome outcome = engine.connect(permissions, cleanStart, expiry);
        assertFalse(outcome.refused());
        ClientSession client = new ClientSession(engine, outcome.session(), permissions, v5, will, 0);
        List<Outbound> received = new ArrayList<>();
        DeliverySink sink = received::addAll;
        client.attach(sink, 65535, Long.MAX_VALUE).send();
        return new Connected(client, received, outcome, sink);
    }

    private Connected connect(String clientId, boolean v5) {
        return connect(clientId, "u-" + clientId, v5, true, 0, null);
    }

    private static Message message(String topic, int qos) {
        return new Message(topic, topic.getBytes(), qos, false, Message.ForwardedProperties.NONE, Message.NEVER, "p");
    }

    private static ClientSession.TopicSubscription at(String filter, int qos) {
        return new ClientSession.TopicSubscription(filter, qos, false, false, 0);
    }

    private static List<String> topics(List<Outbound> packets) {
        return packets.stream().filter(p -> p instanceof Outbound.Publish)
                .map(p -> ((Outbound.Publish) p).delivery().message().topic()).toList();
    }

    private void subscribe(Connected c, String filter, int qos) {
        ClientSession.SubAck ack = c.client().subscribe(List.of(at(filter, qos)), 0);
        assertEquals(List.of(qos), ack.reasonCodes());
        ack.afterwards().run();
    }

    @Test
    void qos1PublishIsRoutedAndAcknowledgedWithSuccess() {
        Connected sub = connect("sub", true);
        subscribe(sub, "t/#", 1);
        Connected pub = connect("pub", true);

        assertEquals(PublishAnswer.ACCEPTED, pub.client().publish(message("t/1", 1), 7));

        assertEquals(List.of("t/1"), topics(sub.received()));
        Outbound.Publish delivered = (Outbound.Publish) sub.received().get(0);
        assertTrue(delivered.packetId() > 0);
        assertEquals(1, delivered.delivery().qos());
    }

    /**
     * One read's PUBLISHes reach each subscriber in one hand-off (one lock acquisition, one
     * send to its connection) when the read ends, in the order they were read; the
     * subscriber's rights are checked as for any delivery.
     */
    @Test
    void aReadsDeliveriesAreOfferedTogetherInOrderWhenTheReadEnds() {
        Connected sub = connect("sub", true);
        subscribe(sub, "#", 1);
        List<Integer> sends = new ArrayList<>();
        Permissions permissions = new Permissions(new ClientIdentity("counted", "u-counted", null, 0, null), NO_SECRETS);
        MqttEngine.ConnectOutcome outcome = engine.connect(permissions, true, 0);
        ClientSession counted = new ClientSession(engine, outcome.session(), permissions, true, null, 0);
        List<Outbound> countedReceived = new ArrayList<>();
        counted.attach(packets -> {
            sends.add(packets.size());
            countedReceived.addAll(packets);
        }, 65535, Long.MAX_VALUE).send();
        subscribe(new Connected(counted, countedReceived, outcome, null), "t/#", 1);
        sends.clear();
        Connected pub = connect("pub", true);

        DeliveryBatch read = new DeliveryBatch();
        for (String topic : List.of("t/1", "secret/x", "t/2", "t/3")) {
            pub.client().publish(message(topic, 1), 1, read);
        }
        assertEquals(List.of(), topics(countedReceived), "nothing before the read ends");
        read.offer();

        assertEquals(List.of("t/1", "t/2", "t/3"), topics(countedReceived));
        assertEquals(List.of(3), sends, "one send for the read's three messages");
        assertEquals(List.of("t/1", "t/2", "t/3"), topics(sub.received()), "secret/x is not readable");
        assertTrue(read.isEmpty());
    }

    @Test
    void qos2IsRoutedOnceUntilReleasedAndAnUnknownReleaseIsReported() {
        Connected sub = connect("sub", true);
        subscribe(sub, "t/#", 2);
        Connected pub = connect("pub", true);

        assertEquals(PublishAnswer.ACCEPTED, pub.client().publish(message("t/1", 2), 9));
        assertEquals(PublishAnswer.ACCEPTED, pub.client().publish(message("t/1", 2), 9)); // resent before PUBREL
        assertEquals(List.of("t/1"), topics(sub.received()));

        assertEquals(ReasonCode.SUCCESS, pub.client().release(9));
        assertEquals(ReasonCode.PACKET_IDENTIFIER_NOT_FOUND, pub.client().release(9));
        assertEquals(PublishAnswer.ACCEPTED, pub.client().publish(message("t/1", 2), 9)); // a new message now
        assertEquals(List.of("t/1", "t/1"), topics(sub.received()));
    }

    @Test
    void aThreeOneClientGetsSuccessForAReleaseItNeverSent() {
        Connected pub = connect("pub", false);
        assertEquals(ReasonCode.SUCCESS, pub.client().release(3));
    }

    @Test
    void receiveMaximumBoundsUnreleasedQos2ForV5Only() {
        engine = engine(options().maxInflightMessages(2).build());
        Connected v5 = connect("five", true);
        assertEquals(PublishAnswer.ACCEPTED, v5.client().publish(message("t", 2), 1));
        assertEquals(PublishAnswer.ACCEPTED, v5.client().publish(message("t", 2), 2));
        assertEquals(PublishAnswer.ACCEPTED, v5.client().publish(message("t", 2), 2)); // a resend still fits
        assertEquals(PublishAnswer.RECEIVE_MAXIMUM_EXCEEDED, v5.client().publish(message("t", 2), 3));

        Connected v3 = connect("three", false);
        for (int id = 1; id <= 10; id++) {
            assertEquals(PublishAnswer.ACCEPTED, v3.client().publish(message("t", 2), id));
        }
    }

    @Test
    void aDeniedPublishIsNotRoutedAndOnlyV5IsToldSo() {
        Connected sub = connect("sub", true);
        subscribe(sub, "#", 1);
        Connected five = connect("five", true);
        Connected three = connect("three", false);

        assertEquals(PublishAnswer.NOT_AUTHORIZED, five.client().publish(message("secret/a", 1), 1));
        assertEquals(PublishAnswer.NOT_AUTHORIZED, five.client().publish(message("secret/a", 2), 2));
        assertEquals(PublishAnswer.ACCEPTED, three.client().publish(message("secret/b", 1), 1));
        assertEquals(PublishAnswer.ACCEPTED, three.client().publish(message("secret/b", 2), 2));
        assertEquals(PublishAnswer.NONE, three.client().publish(message("secret/c", 0), 0));
        five.client().publish(message("marker", 1), 3);

        assertEquals(List.of("marker"), topics(sub.received()));
    }

    @Test
    void aDeniedSubscriptionIsRefusedAndAnAllowedOneGetsOnlyReadableRetainedMessages() {
        engine.publish(new Message("secret/r", new byte[] {1}, 1, true, Message.ForwardedProperties.NONE,
                Message.NEVER, null), null);
        engine.publish(new Message("public/r", new byte[] {1}, 1, true, Message.ForwardedProperties.NONE,
                Message.NEVER, null), null);
        Connected five = connect("five", true);
        Connected three = connect("three", false);

        ClientSession.SubAck ack = five.client().subscribe(List.of(at("secret/#", 1), at("#", 1), at("a/#/b", 0)), 0);
        assertEquals(List.of(ReasonCode.NOT_AUTHORIZED.value(), 1, ReasonCode.TOPIC_FILTER_INVALID.value()),
                ack.reasonCodes());
        assertEquals(List.of(), topics(five.received()), "retained messages follow SUBACK");
        ack.afterwards().run();
        assertEquals(List.of("public/r"), topics(five.received()));

        assertEquals(List.of(ReasonCode.UNSPECIFIED_ERROR.value()),
                three.client().subscribe(List.of(at("secret/#", 1)), 0).reasonCodes());
        assertEquals(List.of(ReasonCode.SUCCESS, ReasonCode.NO_SUBSCRIPTION_EXISTED),
                five.client().unsubscribe(List.of("#", "never/subscribed")));
    }

    @Test
    void sessionIsPresentOnlyWhenAPersistentSessionIsResumed() {
        Connected first = connect("c", "u", true, false, 60, null);
        assertFalse(first.outcome().sessionPresent());
        subscribe(first, "t", 1);
        first.client().disconnect(0, null);
        first.client().closed();

        Connected resumed = connect("c", "u", true, false, 60, null);
        assertTrue(resumed.outcome().sessionPresent());
        resumed.client().disconnect(0, null);
        resumed.client().closed();

        Connected clean = connect("c", "u", true, true, 60, null);
        assertFalse(clean.outcome().sessionPresent());
    }

    @Test
    void aSessionWithoutExpiryEndsWithItsConnectionAndOneWithExpiryStays() {
        Connected gone = connect("gone", "u", true, true, 0, null);
        gone.client().closed();
        assertNull(engine.sessions().get("gone"));

        Connected kept = connect("kept", "u", true, true, 3600, null);
        kept.client().closed();
        assertNotNull(engine.sessions().get("kept"));
        assertFalse(engine.sessions().get("kept").isConnected());
    }

    @Test
    void aSecondConnectionTakesOverAndTheOldOnesCloseDoesNotDetachTheNewOne() {
        Connected old = connect("c", "u", true, false, 60, null);
        Connected taker = connect("c", "u", true, false, 60, null);

        assertSame(old.sink(), taker.outcome().takenOver());
        old.client().end(Ending.TAKEN_OVER);
        old.client().closed();
        assertSame(taker.sink(), engine.sessions().get("c").connection());
        assertEquals(Ending.TAKEN_OVER, old.client().ending());
    }

    @Test
    void anotherUsernameCannotTakeTheClientIdByDefault() {
        connect("c", "alice", true, false, 60, null);
        Permissions mallory = new Permissions(new ClientIdentity("c", "mallory", null, 0, null), NO_SECRETS);
        MqttEngine.ConnectOutcome outcome = engine.connect(mallory, false, 60);
        assertTrue(outcome.refused());
        assertEquals("alice", outcome.foreignOwner().username());
    }

    @Test
    void theWillGoesOnlyAfterAnAbnormalEndAndOnlyToAnAllowedTopic() {
        Connected sub = connect("sub", true);
        subscribe(sub, "#", 0);

        connect("lost", "u", true, true, 0, message("will/lost", 0)).client().closed();
        Connected polite = connect("polite", "u", true, true, 0, message("will/polite", 0));
        polite.client().disconnect(0, null);
        polite.client().closed();
        Connected withWill = connect("asked", "u", true, true, 0, message("will/asked", 0));
        withWill.client().disconnect(ReasonCode.DISCONNECT_WITH_WILL_MESSAGE.value(), null);
        withWill.client().closed();
        connect("sneaky", "u", true, true, 0, message("readonly/will", 0)).client().closed(); // may not publish there
        connect("marker", "u", true, true, 0, message("will/marker", 0)).client().closed();

        assertEquals(List.of("will/lost", "will/asked", "will/marker"), topics(sub.received()));
    }

    @Test
    void aV5DisconnectMayNotGiveAnExpiryToASessionThatHadNone() {
        Connected c = connect("c", "u", true, true, 0, null);
        assertNotNull(c.client().disconnect(0, 60L));
        assertNull(c.client().ending());

        Connected d = connect("d", "u", true, true, 30, null);
        assertNull(d.client().disconnect(0, 0L));
        assertEquals(Ending.DISCONNECTED, d.client().ending());
        d.client().closed();
        assertNull(engine.sessions().get("d"), "expiry 0 from DISCONNECT ends the session with the connection");
    }
}
