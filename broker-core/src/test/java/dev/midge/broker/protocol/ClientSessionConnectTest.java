package dev.midge.broker.protocol;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdTakeover;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.DeliverySink;
import dev.midge.broker.session.Outbound;
import dev.midge.broker.session.Permissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What {@link ClientSession#connect} decides for an authenticated CONNECT, without a socket. */
class ClientSessionConnectTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    private MqttEngine engine(ClientIdTakeover takeover) {
        return new MqttEngine(BrokerOptions.builder().listener(ListenerOptions.plain(0)).clientIdTakeover(takeover)
                .build(), timer);
    }

    /** A connection that counts how often it was told it was taken over. */
    private static final class Sink implements DeliverySink {
        final AtomicInteger takenOver = new AtomicInteger();

        @Override
        public void send(List<Outbound> packets) {
        }

        @Override
        public void takenOver() {
            takenOver.incrementAndGet();
        }
    }

    private static ConnectAnswer connect(MqttEngine engine, String clientId, String username, boolean cleanStart,
                                         Sink sink) {
        Permissions who = new Permissions(new ClientIdentity(clientId, username, null, 0, null), Authorizer.allowAll());
        ConnectAnswer answer = ClientSession.connect(engine, who, true, cleanStart, 3600, null, 0);
        if (!answer.refused()) {
            answer.client().attach(sink, 65535, Long.MAX_VALUE).send();
        }
        return answer;
    }

    @Test
    void theSameClientBackResumesItsSessionAndTheOldConnectionIsToldOnce() {
        MqttEngine engine = engine(ClientIdTakeover.SAME_USERNAME);
        Sink first = new Sink();
        Sink second = new Sink();
        assertFalse(connect(engine, "c", "u", false, first).sessionPresent());

        ConnectAnswer again = connect(engine, "c", "u", false, second);
        assertTrue(again.sessionPresent());
        assertEquals(1, first.takenOver.get());
        assertEquals(0, second.takenOver.get());
        assertSame(second, engine.sessions().get("c").connection());
    }

    @Test
    void anotherUsernamesConnectIsRefusedNamingTheOwnerAndTheOwnerKeepsItsConnection() {
        MqttEngine engine = engine(ClientIdTakeover.SAME_USERNAME);
        Sink alice = new Sink();
        connect(engine, "c", "alice", false, alice);

        ConnectAnswer mallory = connect(engine, "c", "mallory", false, new Sink());
        assertTrue(mallory.refused());
        assertNull(mallory.client());
        assertEquals("its client id has a session of username alice (midge_clientid_takeover username)",
                mallory.refusal());
        assertEquals(0, alice.takenOver.get());
        assertSame(alice, engine.sessions().get("c").connection());
    }

    @Test
    void withAnyUsernameTakeoverTheOldSessionIsEndedNotHandedOver() {
        MqttEngine engine = engine(ClientIdTakeover.ANY_USERNAME);
        Sink alice = new Sink();
        connect(engine, "c", "alice", false, alice);

        ConnectAnswer bob = connect(engine, "c", "bob", false, new Sink());
        assertFalse(bob.refused());
        assertFalse(bob.sessionPresent(), "another username never gets the session");
        assertEquals(1, alice.takenOver.get());
        assertEquals("bob", engine.sessions().get("c").identity().username());
    }
}
