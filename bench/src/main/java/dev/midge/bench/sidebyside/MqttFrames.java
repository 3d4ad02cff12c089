package dev.midge.bench.sidebyside;

import java.nio.charset.StandardCharsets;

/** The few MQTT 3.1.1 packets the bench's hand-written clients send, as bytes. */
final class MqttFrames {

    static final byte[] DISCONNECT = {(byte) 0xE0, 0x00};

    private MqttFrames() {
    }

    /** CONNECT with clean session and keep alive 0 (an idle connection needs no PINGREQ). */
    static byte[] connect(String clientId) {
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        int remaining = 10 + 2 + id.length;
        if (remaining > 127) {
            throw new IllegalArgumentException("client id too long for this one-byte-length CONNECT");
        }
        byte[] packet = new byte[2 + remaining];
        int i = 0;
        packet[i++] = 0x10;
        packet[i++] = (byte) remaining;
        packet[i++] = 0x00;
        packet[i++] = 0x04;
        for (byte b : "MQTT".getBytes(StandardCharsets.US_ASCII)) {
            packet[i++] = b;
        }
        packet[i++] = 0x04; // protocol level: 3.1.1
        packet[i++] = 0x02; // clean session
        packet[i++] = 0x00; // keep alive 0: never expect PINGREQ
        packet[i++] = 0x00;
        packet[i++] = (byte) (id.length >> 8);
        packet[i++] = (byte) id.length;
        System.arraycopy(id, 0, packet, i, id.length);
        return packet;
    }

    /** SUBSCRIBE (packet id 1) to one filter. */
    static byte[] subscribe(String filter, int qos) {
        byte[] f = filter.getBytes(StandardCharsets.UTF_8);
        int remaining = 2 + 2 + f.length + 1;
        byte[] packet = new byte[2 + remaining];
        packet[0] = (byte) 0x82;
        packet[1] = (byte) remaining;
        packet[2] = 0;
        packet[3] = 1; // packet id
        packet[4] = (byte) (f.length >> 8);
        packet[5] = (byte) f.length;
        System.arraycopy(f, 0, packet, 6, f.length);
        packet[6 + f.length] = (byte) qos;
        return packet;
    }
}
