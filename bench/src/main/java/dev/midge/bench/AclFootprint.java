package dev.midge.bench;

import dev.midge.acl.AclRules;

/**
 * The heap an ACL of N devices x 3 rules keeps alive (default 100,000), measured as the
 * difference in used heap after full collections. Approximate, but enough to see a regression.
 *
 * <pre>java -Xmx2g -cp bench/target/benchmarks.jar dev.midge.bench.AclFootprint [devices]</pre>
 */
public final class AclFootprint {

    private AclFootprint() {
    }

    public static void main(String[] args) throws InterruptedException {
        int devices = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long before = usedAfterGc();
        AclRules rules = FleetAcl.build(devices);
        long after = usedAfterGc();
        long bytes = after - before;
        System.out.printf("%,d users, %,d rules: %,.1f MB retained, %,d bytes per user%n",
                rules.userCount(), rules.ruleCount(), bytes / 1e6, bytes / Math.max(1, rules.userCount()));
        if (!rules.canPublish(FleetAcl.device(0), "c", FleetAcl.attrs(0))) {
            throw new AssertionError("the fleet ACL does not allow what it should");
        }
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(100); // lets the collector finish; this is a measuring tool, not a test
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
