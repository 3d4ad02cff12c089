package dev.midge.broker.protocol;

/**
 * What {@link ClientSession#connect} decided for an authenticated CONNECT: the client's
 * protocol object and whether its session existed (CONNACK Session Present), or why it is
 * refused (the transport logs that with the peer and sends CONNACK Client Identifier not valid).
 */
public record ConnectAnswer(ClientSession client, boolean sessionPresent, String refusal) {

    static ConnectAnswer refused(String why) {
        return new ConnectAnswer(null, false, why);
    }

    public boolean refused() {
        return refusal != null;
    }
}
