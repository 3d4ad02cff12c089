package dev.midge.bench;

import dev.midge.acl.Access;
import dev.midge.acl.AclRules;

/** The ACL of a device fleet: every device writes its attributes and reads its configuration. */
final class FleetAcl {

    static final int TENANTS = 100;

    private FleetAcl() {
    }

    static String device(int i) {
        return "dev" + i;
    }

    static String tenant(int i) {
        return "tenant" + (i % TENANTS);
    }

    static String attrs(int i) {
        return "/" + tenant(i) + "/" + device(i) + "/attrs";
    }

    static String config(int i) {
        return "/" + tenant(i) + "/" + device(i) + "/config";
    }

    /** {@code devices} users of 3 rules each, an agent that reads everything, and 4 pattern rules. */
    static AclRules build(int devices) {
        AclRules.Builder b = AclRules.builder();
        b.topic("iotagent", Access.READ, "/#");
        for (int i = 0; i < devices; i++) {
            String device = device(i);
            b.topic(device, Access.WRITE, attrs(i));
            b.topic(device, Access.READ, config(i));
            b.topic(device, Access.DENY, config(i) + "/secret");
        }
        b.pattern(Access.READWRITE, "clients/%c/#");
        // A few more patterns, as a fleet's ACL usually has: every check walks them too.
        b.pattern(Access.READ, "/broadcast/%u/#");
        b.pattern(Access.WRITE, "/telemetry/%u/+");
        b.pattern(Access.DENY, "/telemetry/%u/forbidden");
        return b.build();
    }
}
