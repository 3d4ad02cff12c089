package dev.midge.broker.netty;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.midge.broker.LeakRecorder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MqttFrameDecoder} on any bytes: however they are split into reads, it decodes the same
 * packets and the same refusal as from one read, and every packet it accepts (a client's, up to
 * its first refusal) is what Netty's {@code MqttDecoder} made of the same bytes. Buffers are
 * released (the suite's leak check). The first input byte is the read size (1–64), the rest
 * the bytes a client sent.
 *
 * <p>Regression inputs: {@code src/test/resources/dev/midge/broker/netty/MqttFrameDecoderFuzzTestInputs/}.
 */
class MqttFrameDecoderFuzzTest {

    static {
        LeakRecorder.install();
    }

    @AfterAll
    static void noLeaks() {
        assertEquals(List.of(), LeakRecorder.collect(), "Netty reported leaked buffers");
    }

    @FuzzTest
    @Timeout(10)
    void decodesTheSameHoweverTheBytesAreSplitAndAsNettyDid(byte[] input) {
        if (input.length < 2) {
            return;
        }
        int readSize = 1 + (input[0] & 0x3F);
        byte[] stream = Arrays.copyOfRange(input, 1, input.length);
        List<String> whole = MqttFrameDecoderTest.ours(List.of(stream));
        List<byte[]> reads = new ArrayList<>();
        for (int from = 0; from < stream.length; from += readSize) {
            reads.add(Arrays.copyOfRange(stream, from, Math.min(stream.length, from + readSize)));
        }
        assertEquals(whole, MqttFrameDecoderTest.ours(reads));

        List<String> accepted = new ArrayList<>();
        for (String packet : whole) {
            // A server's packet from a client is refused behind the decoder, which reads no more of it.
            if (packet.startsWith("failure") || packet.startsWith("CONNACK") || packet.startsWith("SUBACK")
                    || packet.startsWith("UNSUBACK") || packet.startsWith("PINGRESP")) {
                break;
            }
            accepted.add(packet);
        }
        List<String> netty = MqttFrameDecoderTest.netty(stream);
        assertTrue(netty.size() >= accepted.size(), () -> "Netty: " + netty + "\nours: " + whole);
        assertEquals(accepted, netty.subList(0, accepted.size()));
    }
}
