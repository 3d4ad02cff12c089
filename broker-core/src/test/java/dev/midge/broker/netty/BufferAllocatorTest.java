package dev.midge.broker.netty;

import com.hivemq.client.mqtt.MqttClient;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import dev.midge.broker.testing.EmbeddedBroker;
import io.netty.buffer.PoolArenaMetric;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocatorMetric;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An embedded broker's connections use the broker-sized pool, with no JVM options. */
class BufferAllocatorTest {

    private static PooledByteBufAllocatorMetric metric() {
        return ((PooledByteBufAllocator) BufferAllocator.forBroker()).metric();
    }

    @Test
    void poolHasOneArenaPerCoreAndOneMebibyteChunks() {
        PooledByteBufAllocatorMetric metric = metric();

        assertEquals(1 << 20, metric.chunkSize());
        assertEquals(Runtime.getRuntime().availableProcessors(), Math.max(metric.numDirectArenas(), metric.numHeapArenas()));
    }

    @Test
    void brokerConnectionsAllocateTheirBuffersFromThatPool() throws InterruptedException {
        long before = allocations();
        try (EmbeddedBroker broker = EmbeddedBroker.start()) {
            Mqtt5BlockingClient client = MqttClient.builder().useMqttVersion5().identifier("pool")
                    .serverHost(broker.host()).serverPort(broker.port()).buildBlocking();
            client.connect();
            try (var inbox = client.publishes(MqttGlobalPublishFilter.ALL)) {
                client.subscribeWith().topicFilter("pool/#").qos(MqttQos.AT_LEAST_ONCE).send();
                client.publishWith().topic("pool/a").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[3000]).send();

                assertArrayEquals(new byte[3000], inbox.receive(10, TimeUnit.SECONDS).orElseThrow().getPayloadAsBytes());
            } finally {
                client.disconnect();
            }
        }

        assertTrue(allocations() > before, "the broker's reads and writes came from BufferAllocator's pool");
    }

    private static long allocations() {
        PooledByteBufAllocatorMetric metric = metric();
        return Stream.concat(metric.directArenas().stream(), metric.heapArenas().stream())
                .mapToLong(PoolArenaMetric::numAllocations).sum();
    }
}
