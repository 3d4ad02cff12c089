package dev.midge.broker;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import com.hivemq.client.mqtt.mqtt5.message.subscribe.suback.Mqtt5SubAckReasonCode;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * mosquitto's per-listener {@code max_qos} and {@code max_topic_alias}: each listener tells and
 * enforces its own, next to a listener with the defaults.
 */
class ListenerRulesTest extends BrokerTest {

    private int limited;
    private int open;

    private void startTwoListeners(ListenerRules rules) throws InterruptedException {
        broker = MidgeBroker.start(BrokerOptions.builder().maxTopicAlias(10)
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1").withRules(rules))
                .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1"))
                .build());
        List<InetSocketAddress> addresses = broker.listenerAddresses();
        limited = addresses.get(0).getPort();
        open = addresses.get(1).getPort();
    }

    private Mqtt5BlockingClient client(String id, int port) {
        return MqttClient.builder().useMqttVersion5().identifier(id).serverHost("127.0.0.1").serverPort(port)
                .buildBlocking();
    }

    @Test
    void connackTellsEachListenersMaximumQosAndTopicAliasMaximum() throws Exception {
        startTwoListeners(new ListenerRules(1, 3));
        Mqtt5BlockingClient a = client("a", limited);
        Mqtt5ConnAck ack = a.connect();
        assertEquals(MqttQos.AT_LEAST_ONCE, ack.getRestrictions().getMaximumQos());
        assertEquals(3, ack.getRestrictions().getTopicAliasMaximum());
        a.disconnect();
        Mqtt5BlockingClient b = client("b", open);
        Mqtt5ConnAck openAck = b.connect();
        assertEquals(MqttQos.EXACTLY_ONCE, openAck.getRestrictions().getMaximumQos());
        assertEquals(10, openAck.getRestrictions().getTopicAliasMaximum());
        b.disconnect();
    }

    @Test
    void aSubscriptionIsGrantedAtMostTheListenersMaxQos() throws Exception {
        startTwoListeners(new ListenerRules(1, -1));
        Mqtt5BlockingClient a = client("a", limited);
        a.connect();
        assertEquals(Mqtt5SubAckReasonCode.GRANTED_QOS_1,
                a.subscribeWith().topicFilter("t").qos(MqttQos.EXACTLY_ONCE).send().getReasonCodes().get(0));
        a.disconnect();
    }

    @Test
    void aV5PublishOverMaxQosEndsTheConnectionWith0x9B() throws Exception {
        startTwoListeners(new ListenerRules(0, -1));
        try (RawClient raw = new RawClient(limited)) {
            raw.send(RawClient.packet(0x10, RawClient.concat(RawClient.string("MQTT"), new byte[]{5, 2, 0, 60, 0},
                    RawClient.string("raw5"))));
            RawClient.Packet connack = raw.read();
            assertEquals(2, connack.type());
            // v5 publish QoS 1, packet id 1, no properties
            raw.send(RawClient.packet(0x32, RawClient.concat(RawClient.string("t"), new byte[]{0, 1, 0}, new byte[]{'x'})));
            List<RawClient.Packet> rest = raw.readUntilClosed();
            assertEquals(14, rest.get(0).type(), "DISCONNECT");
            assertEquals(0x9B, rest.get(0).body()[0] & 0xFF);
        }
    }

    @Test
    void a311PublishOverMaxQosIsClosedAsMosquittoDoes() throws Exception {
        startTwoListeners(new ListenerRules(1, -1));
        try (RawClient raw = new RawClient(limited)) {
            raw.send(RawClient.connect("raw3", true));
            assertEquals(2, raw.read().type());
            raw.send(RawClient.publish("t", 2, 1, new byte[]{'x'}));
            assertEquals(List.of(), raw.readUntilClosed(), "closed without PUBREC");
        }
        // The other listener keeps QoS 2.
        try (RawClient raw = new RawClient(open)) {
            raw.send(RawClient.connect("raw3b", true));
            assertEquals(2, raw.read().type());
            raw.send(RawClient.publish("t", 2, 1, new byte[]{'x'}));
            assertEquals(5, raw.read().type(), "PUBREC");
        }
    }

    @Test
    void aWillOverMaxQosIsRefused() throws Exception {
        startTwoListeners(new ListenerRules(0, -1));
        Mqtt5ConnAckException e = assertThrows(Mqtt5ConnAckException.class, () -> client("w", limited).connectWith()
                .willPublish().topic("will").qos(MqttQos.AT_LEAST_ONCE).applyWillPublish().send());
        assertEquals(Mqtt5ConnAckReasonCode.QOS_NOT_SUPPORTED, e.getMqttMessage().getReasonCode());
        try (RawClient raw = new RawClient(limited)) {
            // 3.1.1 CONNECT, clean session, will QoS 1 (flags 0x02 | 0x04 | 0x08)
            raw.send(RawClient.packet(0x10, RawClient.concat(RawClient.string("MQTT"), new byte[]{4, 0x0E, 0, 60},
                    RawClient.string("w3"), RawClient.string("will"), RawClient.string("bye"))));
            List<RawClient.Packet> got = raw.readUntilClosed();
            assertFalse(got.stream().anyMatch(p -> p.type() == 2 && p.body()[1] == 0), "not accepted: " + got);
        }
        assertTrue(broker.connectedClients().isEmpty());
    }
}
