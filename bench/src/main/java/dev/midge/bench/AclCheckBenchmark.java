package dev.midge.bench;

import dev.midge.acl.AclRules;
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

import java.util.concurrent.TimeUnit;

/**
 * Checks per second against a fleet ACL (default 100,000 devices x 3 rules). Each call picks
 * the next device, so the checks touch the whole ACL, not one hot user.
 *
 * <pre>java -jar bench/target/benchmarks.jar AclCheck</pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class AclCheckBenchmark {

    @Param({"100000"})
    int devices;

    private AclRules rules;
    private String[] usernames;
    private String[] attrs;
    private String[] configs;
    private String[] othersAttrs;
    private String[] telemetry;
    private int next;

    @Setup
    public void setUp() {
        rules = FleetAcl.build(devices);
        usernames = new String[devices];
        attrs = new String[devices];
        configs = new String[devices];
        othersAttrs = new String[devices];
        telemetry = new String[devices];
        for (int i = 0; i < devices; i++) {
            usernames[i] = FleetAcl.device(i);
            attrs[i] = FleetAcl.attrs(i);
            configs[i] = FleetAcl.config(i);
            othersAttrs[i] = FleetAcl.attrs((i + 1) % devices);
            telemetry[i] = "/telemetry/" + usernames[i] + "/temperature";
        }
        // Each benchmark must measure the answer it claims to (allowed or denied).
        if (!rules.canPublish(usernames[1], usernames[1], attrs[1])
                || rules.canPublish(usernames[1], usernames[1], othersAttrs[1])
                || !rules.canReceive(usernames[1], usernames[1], configs[1])
                || !rules.canReceive("iotagent", "agent-1", attrs[1])
                || !rules.canPublish(usernames[1], usernames[1], telemetry[1])
                || !rules.canSubscribe(usernames[1], usernames[1], configs[1])) {
            throw new IllegalStateException("the fleet ACL does not answer as the benchmarks assume");
        }
    }

    private int nextDevice() {
        int i = next++;
        if (next == devices) {
            next = 0;
        }
        return i;
    }

    @Benchmark
    public boolean publishAllowed() {
        int i = nextDevice();
        return rules.canPublish(usernames[i], usernames[i], attrs[i]);
    }

    @Benchmark
    public boolean publishToAnotherDeviceDenied() {
        int i = nextDevice();
        return rules.canPublish(usernames[i], usernames[i], othersAttrs[i]);
    }

    @Benchmark
    public boolean deliveryToDevice() {
        int i = nextDevice();
        return rules.canReceive(usernames[i], usernames[i], configs[i]);
    }

    @Benchmark
    public boolean deliveryToWildcardAgent() {
        int i = nextDevice();
        return rules.canReceive("iotagent", "agent-1", attrs[i]);
    }

    /** Allowed only by a {@code pattern} line (%u substituted per check). */
    @Benchmark
    public boolean publishByPattern() {
        int i = nextDevice();
        return rules.canPublish(usernames[i], usernames[i], telemetry[i]);
    }

    @Benchmark
    public boolean subscribe() {
        int i = nextDevice();
        return rules.canSubscribe(usernames[i], usernames[i], configs[i]);
    }
}
