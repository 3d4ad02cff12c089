package dev.midge.bench;

import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.SubscriptionTrie;
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
import org.openjdk.jmh.annotations.Warmup;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Matching a PUBLISH topic against broker-core's subscription trie holding a fleet's
 * subscriptions: every device subscribes to its own config topic, and a few back-end clients
 * hold wildcard filters ({@code /tenantT/+/attrs}, {@code /tenantT/#}, {@code #}). Topics cycle
 * over all devices so the walk is not always the same cached branch.
 *
 * <pre>java -jar bench/target/benchmarks.jar TopicMatch</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class TopicMatchBenchmark {

    @Param({"100000"})
    int subscriptions;

    private SubscriptionTrie trie;
    private String[] configTopics;
    private String[] attrsTopics;
    private String[] unmatchedTopics;

    @State(Scope.Thread)
    public static class Cursor {
        int next;

        int next(int size) {
            int i = next++;
            if (next == size) {
                next = 0;
            }
            return i;
        }
    }

    @Setup
    public void setUp() {
        trie = new SubscriptionTrie();
        configTopics = new String[subscriptions];
        attrsTopics = new String[subscriptions];
        unmatchedTopics = new String[subscriptions];
        for (int i = 0; i < subscriptions; i++) {
            String device = FleetAcl.device(i);
            configTopics[i] = FleetAcl.config(i);
            attrsTopics[i] = FleetAcl.attrs(i);
            unmatchedTopics[i] = "/" + FleetAcl.tenant(i) + "/" + device + "/nobody/listens";
            trie.subscribe(Subscription.simple(device, configTopics[i], 1));
        }
        for (int t = 0; t < FleetAcl.TENANTS; t++) {
            trie.subscribe(Subscription.simple("backend-" + t, "/tenant" + t + "/+/attrs", 1));
        }
        trie.subscribe(Subscription.simple("archiver", "/tenant0/#", 0));
        trie.subscribe(Subscription.simple("monitor", "#", 0));
        if (trie.match(attrsTopics[1]).size() != 2 || trie.match(configTopics[0]).size() != 3) {
            throw new IllegalStateException("the trie does not match what the fleet subscribed to");
        }
    }

    /** A device's config topic: one exact subscriber plus the wildcard ones. */
    @Benchmark
    public List<Subscription> exactAndWildcards(Cursor cursor) {
        return trie.match(configTopics[cursor.next(subscriptions)]);
    }

    /** A device's attrs topic: only the tenant's back-end wildcard (and '#'). */
    @Benchmark
    public List<Subscription> wildcardsOnly(Cursor cursor) {
        return trie.match(attrsTopics[cursor.next(subscriptions)]);
    }

    /** A topic no device subscribed to: the cost of finding (almost) nothing. */
    @Benchmark
    public List<Subscription> almostNoMatch(Cursor cursor) {
        return trie.match(unmatchedTopics[cursor.next(subscriptions)]);
    }
}
