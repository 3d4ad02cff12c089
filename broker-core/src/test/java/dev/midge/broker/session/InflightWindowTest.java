package dev.midge.broker.session;

import dev.midge.broker.message.Message;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The in-flight window keeps what a {@code LinkedHashMap} by packet id kept: each entry found
 * by its id, the send order for redelivery, ids handed out in sequence skipping those in use,
 * and the bytes in flight; through growth, removals in any order, wrap-around at 65,535 and
 * restored ids that collide in its table.
 */
class InflightWindowTest {

    private static Delivery delivery(int bytes) {
        return new Delivery(Message.of("t", new byte[bytes], 1, false), 1, false, List.of());
    }

    @Test
    void behavesAsAnOrderedMapByPacketIdUnderRandomAddsAndRemoves() {
        Random random = new Random(11);
        InflightWindow window = new InflightWindow(1000);
        Map<Integer, InflightWindow.Entry> model = new LinkedHashMap<>();
        long bytes = 0;
        for (int step = 0; step < 200_000; step++) {
            if (model.size() < 300 && (model.isEmpty() || random.nextInt(3) > 0)) {
                InflightWindow.Entry e = window.add(delivery(random.nextInt(5)));
                assertNull(model.put(e.packetId, e), "id " + e.packetId + " handed out while in use");
                bytes += e.delivery.message().payload().length;
            } else {
                List<Integer> ids = new ArrayList<>(model.keySet());
                int id = random.nextInt(4) == 0 ? ids.get(0) : ids.get(random.nextInt(ids.size()));
                InflightWindow.Entry removed = window.remove(id);
                assertSame(model.remove(id), removed);
                bytes -= removed.delivery.message().payload().length;
                assertNull(window.remove(id));
            }
            if (step % 997 == 0) {
                assertEquals(List.copyOf(model.values()), window.inOrder());
                for (Map.Entry<Integer, InflightWindow.Entry> e : model.entrySet()) {
                    assertSame(e.getValue(), window.get(e.getKey()));
                }
            }
            assertEquals(model.size(), window.size());
            assertEquals(bytes, window.bytes());
        }
        assertNull(window.get(0));
    }

    @Test
    void restoredIdsThatShareASlotAreEachFoundAndKeepTheirOrder() {
        InflightWindow window = new InflightWindow(100);
        // 16, 32, 48, ... all land on slot 0 of the first table, then collide again after it grows.
        List<Integer> ids = new ArrayList<>();
        for (int i = 1; i <= 40; i++) {
            ids.add(i * 16);
            window.restore(i * 16, delivery(1), i, false);
        }
        window.remove(16 * 7);
        ids.remove(Integer.valueOf(16 * 7));
        window.remove(16 * 40);
        ids.remove(Integer.valueOf(16 * 40));
        assertEquals(ids, window.inOrder().stream().map(e -> e.packetId).toList());
        for (int id : ids) {
            assertEquals(id, window.get(id).packetId);
        }
        // The next id after the last restored one, skipping none in use.
        assertEquals(16 * 40 + 1, window.add(delivery(1)).packetId);
    }

    @Test
    void packetIdsWrapAtTheirMaximumAndSkipThoseStillInFlight() {
        InflightWindow window = new InflightWindow(10);
        window.restore(65_535, delivery(1), 1, false);
        window.restore(1, delivery(1), 2, false);
        window.restore(65_534, delivery(1), 3, false); // lastId is now 65,534
        assertEquals(2, window.add(delivery(1)).packetId); // 65,535 and 1 are in flight
        assertEquals(List.of(65_535, 1, 65_534, 2), window.inOrder().stream().map(e -> e.packetId).toList());
    }

    /**
     * A QoS 1 message's way through the window (add, the PUBACK's get and remove) allocates its
     * entry only: with a LinkedHashMap by boxed id it was also a map node and three boxed ids
     * (ids above 127 are not cached), ~100 bytes more per message.
     */
    @Test
    void aMessageInAndOutOfTheWindowAllocatesOnlyItsEntry() throws Exception {
        InflightWindow window = new InflightWindow(100);
        Delivery d = delivery(1);
        for (int i = 0; i < 50_000; i++) { // warm, and past id 127
            window.remove(window.get(window.add(d).packetId).packetId);
        }
        long before = allocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            window.remove(window.get(window.add(d).packetId).packetId);
        }
        long perMessage = (allocatedBytes() - before) / 10_000;
        assertEquals(0, window.size());
        org.junit.jupiter.api.Assertions.assertTrue(perMessage <= 48, perMessage + " bytes per message");
    }

    /** This thread's allocation so far (by reflection: the tests compile inside module midge.core, which does not read java.management). */
    private static long allocatedBytes() throws Exception {
        Object threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        return (long) Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes")
                .invoke(threads);
    }
}
