package dev.midge.broker.protocol;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.engine.MqttEngine;
import dev.midge.broker.logging.LogCategory;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Permissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Why a connection ended is said in one line, by the {@link ClientSession}, once: the first cause. */
class ClientSessionEndingTest {

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final MqttEngine engine = new MqttEngine(
            BrokerOptions.builder().listener(ListenerOptions.plain(0)).build(), timer);
    private final Logger logger = (Logger) LoggerFactory.getLogger(ClientSession.class);
    /** The ordinary endings go to connection_messages' logger, the rest to the class's. */
    private final Logger connections = (Logger) LoggerFactory.getLogger(LogCategory.CONNECTIONS_NAME);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
        connections.addAppender(appender);
    }

    @AfterEach
    void stop() {
        logger.detachAppender(appender);
        connections.detachAppender(appender);
        timer.shutdownNow();
    }

    private List<String> lines() {
        return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    private ClientSession connect(String clientId) {
        Permissions permissions = new Permissions(new ClientIdentity(clientId, "alice",
                new InetSocketAddress("127.0.0.1", 5555), 1883, null), Authorizer.allowAll());
        MqttEngine.ConnectOutcome outcome = engine.connect(permissions, true, 0);
        ClientSession client = new ClientSession(engine, outcome.session(), permissions, true, null, 0);
        client.attach(packets -> { }, 65535, Long.MAX_VALUE).send();
        return client;
    }

    @Test
    void theFirstCauseIsLoggedOnceAndLaterOnesAndTheCloseAreNot() {
        ClientSession client = connect("c1");
        client.end(Ending.KEEP_ALIVE_TIMEOUT);
        client.end(Ending.PROTOCOL_VIOLATION, "protocol error: late");
        client.closed();

        assertEquals(List.of("INFO Client c1 has exceeded timeout, disconnecting."), lines());
        assertEquals(Ending.KEEP_ALIVE_TIMEOUT, client.ending());
    }

    @Test
    void eachEndingSaysWhoAndWhy() {
        connect("v").end(Ending.PROTOCOL_VIOLATION, "malformed packet: bad length");
        connect("a").end(Ending.ADMINISTRATIVE_ACTION, "certificate revoked");
        connect("t").end(Ending.TAKEN_OVER);
        connect("s").end(Ending.STORE_FAILURE);
        connect("d").disconnect(0, null);

        assertEquals(List.of(
                "WARN Client v from 127.0.0.1:5555 disconnected due to malformed packet: bad length.",
                "WARN Client a from 127.0.0.1:5555 (username alice) disconnected: certificate revoked.",
                "INFO Client t already connected, closing old connection.",
                "WARN Client s from 127.0.0.1:5555 disconnected: its message could not be stored.",
                "INFO Client d disconnected."), lines());
    }

    @Test
    void aConnectionItsClientClosedIsLoggedWhenItCloses() {
        connect("gone").closed();
        assertEquals(List.of("INFO Client gone closed its connection."), lines());
    }
}
