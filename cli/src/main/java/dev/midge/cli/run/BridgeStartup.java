package dev.midge.cli.run;

import dev.midge.broker.MidgeBroker;
import dev.midge.broker.bridge.BridgeOptions;
import dev.midge.broker.bridge.BridgeTransport;
import dev.midge.conf.BridgeConfig;
import dev.midge.conf.BridgeTopic;
import dev.midge.tls.BridgePskTransport;
import dev.midge.tls.BridgeTlsTransport;
import dev.midge.tls.TlsFileException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the conf's bridges into core's {@link BridgeOptions} (with broker-tls's transport) and
 * starts them once the broker runs. TLS material that cannot be read stops start-up, naming
 * the file, as for listeners.
 */
final class BridgeStartup {

    private BridgeStartup() {
    }

    /** Reads every bridge's TLS material first, so that a bad file stops start-up before any bridge connects. */
    static List<BridgeOptions> options(List<BridgeConfig> bridges) throws StartupException {
        List<BridgeOptions> result = new ArrayList<>();
        for (BridgeConfig b : bridges) {
            result.add(options(b));
        }
        return result;
    }

    static void start(MidgeBroker broker, List<BridgeOptions> bridges) {
        for (BridgeOptions b : bridges) {
            broker.startBridge(b);
        }
    }

    private static BridgeOptions options(BridgeConfig b) throws StartupException {
        List<BridgeOptions.Address> addresses = b.addresses().stream()
                .map(a -> new BridgeOptions.Address(a.host(), a.port())).toList();
        List<BridgeOptions.Topic> topics = b.topics().stream().map(BridgeStartup::topic).toList();
        return new BridgeOptions(b.name(), addresses, b.roundRobin(),
                BridgeOptions.StartType.valueOf(b.startType().name()), b.restartTimeout(), b.backoffCap(),
                b.idleTimeout(), b.threshold(), topics, protocol(b.protocolVersion()), b.cleanSession(),
                b.localCleanSession(), b.remoteClientId(), b.localClientId(), b.remoteUsername(),
                b.remotePassword() == null ? null : b.remotePassword().getBytes(StandardCharsets.UTF_8),
                b.keepalive(), b.notifications(), b.notificationTopic(), b.notificationsLocalOnly(), b.tryPrivate(),
                b.attemptUnsubscribe(), b.outgoingRetain(), b.maxPacketSize(), transport(b));
    }

    private static BridgeOptions.Topic topic(BridgeTopic t) {
        return new BridgeOptions.Topic(BridgeOptions.Direction.valueOf(t.direction().name()), t.qos(), t.localPrefix(),
                t.remotePrefix(), t.localTopic(), t.remoteTopic());
    }

    private static BridgeOptions.Protocol protocol(BridgeConfig.ProtocolVersion v) {
        return switch (v) {
            case MQTTV31 -> BridgeOptions.Protocol.MQTT_3_1;
            case MQTTV311 -> BridgeOptions.Protocol.MQTT_3_1_1;
            case MQTTV50 -> BridgeOptions.Protocol.MQTT_5;
        };
    }

    private static BridgeTransport transport(BridgeConfig b) throws StartupException {
        BridgeConfig.BridgeTls tls = b.tls();
        if (!tls.enabled()) {
            return null;
        }
        if (tls.isPsk() && "tlsv1.3".equals(tls.tlsVersion())) {
            throw new StartupException(b.declaredAt() + ": bridge '" + b.name() + "': bridge_tls_version tlsv1.3 with "
                    + "bridge_psk cannot be honoured: Midge's PSK bridges speak TLS 1.2 (as mosquitto's do)", 3);
        }
        if (tls.isPsk()) {
            return BridgePskTransport.create(tls.pskIdentity(), tls.psk());
        }
        try {
            return BridgeTlsTransport.create(tls.cafile(), tls.capath(), tls.certfile(), tls.keyfile(), tls.insecure(),
                    tls.tlsVersion(), tls.alpn());
        } catch (TlsFileException e) {
            throw new StartupException("Error: bridge " + b.name() + " (" + b.declaredAt() + "): " + e.getMessage(), 3);
        }
    }
}
