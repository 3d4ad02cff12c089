package dev.midge.cluster;

import org.infinispan.partitionhandling.AvailabilityMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The minority verdict follows Infinispan's cache availability, on top of the count of the view. */
class PartitionGuardTest {

    private static final List<String> ALL = List.of("node-1", "node-2", "node-3");

    @Test
    void aDegradedCacheRefusesClientsEvenWhenTheViewHasAQuorum() {
        try (PartitionGuard guard = new PartitionGuard("node-1", 3, Duration.ofHours(1))) {
            guard.viewChanged(ALL);
            assertNull(guard.refusal());

            guard.availabilityChanged("midge-owners", AvailabilityMode.DEGRADED_MODE);

            assertNotNull(guard.refusal(), "serving while the owners cache denies reads and writes");
            assertTrue(guard.refusal().contains("caches denying reads and writes: [midge-owners]"), guard.refusal());
        }
    }

    @Test
    void theNodeServesAgainOnlyOnceEveryCacheIsAvailableAndThenConverges() {
        AtomicInteger merges = new AtomicInteger();
        try (PartitionGuard guard = new PartitionGuard("node-3", 3, Duration.ofHours(1))) {
            guard.onServingAgain(merges::incrementAndGet);
            guard.viewChanged(ALL);
            guard.viewChanged(List.of("node-3"));
            guard.availabilityChanged("midge-owners", AvailabilityMode.DEGRADED_MODE);
            guard.availabilityChanged("midge-routes", AvailabilityMode.DEGRADED_MODE);

            guard.viewChanged(ALL); // merged view, caches still resolving their conflicts
            guard.availabilityChanged("midge-owners", AvailabilityMode.AVAILABLE);
            assertNotNull(guard.refusal());
            assertEquals(0, merges.get());

            guard.availabilityChanged("midge-routes", AvailabilityMode.AVAILABLE);
            assertNull(guard.refusal());
            assertEquals(1, merges.get());
        }
    }

    @Test
    void aCacheDegradedBeforeTheViewListenerRunsCountsTheNewView() {
        try (PartitionGuard guard = new PartitionGuard("node-3", 3, Duration.ofHours(1))) {
            guard.viewChanged(ALL);

            guard.availabilityChanged("midge-retained", AvailabilityMode.DEGRADED_MODE, List.of("node-3"));

            assertTrue(guard.refusal().startsWith("cluster node node-3 is on the minority side of a partition (it sees "
                    + "1 of 3 nodes: [node-3]"), guard.refusal());
        }
    }

    @Test
    void theConfiguredLeaseDropsTheClientsOfTheMinority() throws Exception {
        CompletableFuture<String> dropped = new CompletableFuture<>();
        try (PartitionGuard guard = new PartitionGuard("node-3", 3, Duration.ofMillis(200))) {
            guard.disconnectWith((which, reason) -> {
                dropped.complete(reason);
                return 1;
            });
            guard.viewChanged(ALL);
            long start = System.nanoTime();
            guard.availabilityChanged("midge-sessions", AvailabilityMode.DEGRADED_MODE);

            String reason = dropped.get(30, TimeUnit.SECONDS);
            assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(200), "dropped before the lease");
            assertTrue(reason.startsWith("cluster node node-3 is on the minority side of a partition"), reason);
        }
    }
}
