package dev.midge.bench;

import dev.midge.broker.netty.MqttFrameDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttQoS;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Encoding and decoding one MQTT PUBLISH (QoS 1) through EmbeddedChannel: with Netty's
 * MqttEncoder (Midge's encoder), Netty's MqttDecoder (Midge's decoder before MqttFrameDecoder) and
 * Midge's MqttFrameDecoder, the decoder of the broker's pipeline. Every buffer is released.
 *
 * <pre>java -jar bench/target/benchmarks.jar PublishCodec</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PublishCodecBenchmark {

    private static final String TOPIC = "/tenant42/dev4242/attrs";

    @Param({"64", "4096"})
    int payloadBytes;

    private byte[] payload;
    private ByteBuf encoded;
    private EmbeddedChannel encoder;
    private EmbeddedChannel decoder;
    private EmbeddedChannel frameDecoder;

    @Setup
    public void setUp() {
        payload = new byte[payloadBytes];
        encoder = new EmbeddedChannel(MqttEncoder.INSTANCE);
        decoder = new EmbeddedChannel(new MqttDecoder(1024 * 1024));
        frameDecoder = new EmbeddedChannel(new MqttFrameDecoder(1024 * 1024));
        encoded = encode();
    }

    @TearDown
    public void tearDown() {
        encoded.release();
        encoder.finishAndReleaseAll();
        decoder.finishAndReleaseAll();
        frameDecoder.finishAndReleaseAll();
    }

    private MqttPublishMessage publish() {
        return MqttMessageBuilders.publish().topicName(TOPIC).qos(MqttQoS.AT_LEAST_ONCE).messageId(4242)
                .retained(false).payload(Unpooled.wrappedBuffer(payload)).build();
    }

    private ByteBuf encode() {
        encoder.writeOutbound(publish());
        // The encoder may write the fixed header and the payload as separate buffers.
        ByteBuf out = Unpooled.buffer();
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            out.writeBytes(part);
            part.release();
        }
        return out;
    }

    @Benchmark
    public int encodePublish() {
        encoder.writeOutbound(publish());
        int bytes = 0;
        for (ByteBuf part; (part = encoder.readOutbound()) != null; ) {
            bytes += part.readableBytes();
            part.release();
        }
        return bytes;
    }

    @Benchmark
    public int decodePublish() {
        decoder.writeInbound(encoded.retainedDuplicate());
        MqttPublishMessage message = decoder.readInbound();
        try {
            return message.variableHeader().packetId() + message.payload().readableBytes();
        } finally {
            message.release();
        }
    }

    @Benchmark
    public int decodePublishMidge() {
        frameDecoder.writeInbound(encoded.retainedDuplicate());
        MqttPublishMessage message = frameDecoder.readInbound();
        try {
            return message.variableHeader().packetId() + message.payload().readableBytes();
        } finally {
            message.release();
        }
    }
}
