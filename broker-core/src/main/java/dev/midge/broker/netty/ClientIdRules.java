package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.logging.LogSafe;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;

/**
 * The client id rules that need the authenticated username: mosquitto's clientid_prefixes, the
 * listener's use_username_as_clientid (the id becomes the username) and the broker's client id binding.
 * Plain logic; the caller logs the refusal and sends the CONNACK.
 */
final class ClientIdRules {

    /** The CONNECT to go on with, or the CONNACK code and the cause of a refusal. */
    record Outcome(ConnectPacket packet, MqttConnectReturnCode refusal, String cause) {
    }

    private ClientIdRules() {
    }

    static Outcome apply(ConnectPacket packet, String username, ListenerOptions listener, BrokerOptions options) {
        String prefix = options.access().clientIdPrefixes();
        if (prefix != null && !packet.clientId().startsWith(prefix)) {
            // As mosquitto, the id as sent (or assigned) is checked; Midge answers 0x85/0x02 as for its other id rules.
            return new Outcome(null, identifierNotValid(packet.v5()), "client id does not start with clientid_prefixes '"
                    + LogSafe.text(prefix) + "'");
        }
        if (listener.usernameAsClientId()) {
            if (username == null) {
                // As mosquitto: without a username there is no id to give, and the client is not authorised.
                return new Outcome(null, packet.v5() ? MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED_5
                        : MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED,
                        "use_username_as_clientid and no username");
            }
            if (username.isEmpty() || LogSafe.hasControl(username)) {
                // The id rules of ConnectPacket apply to the id the client ends up with.
                return new Outcome(null, identifierNotValid(packet.v5()),
                        "use_username_as_clientid and a username that is not a valid client id");
            }
            packet = packet.withClientId(username);
        }
        if (!options.clientIdBinding().allows(packet.clientId(), username)) {
            return new Outcome(null, identifierNotValid(packet.v5()),
                    "client id not bound to its username (midge_clientid_binding "
                            + options.clientIdBinding().name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return new Outcome(packet, null, null);
    }

    /** v5 0x85 Client Identifier not valid, 3.1.1 0x02 identifier rejected. */
    static MqttConnectReturnCode identifierNotValid(boolean v5) {
        return v5 ? MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID
                : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
    }
}
