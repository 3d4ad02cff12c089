package dev.midge.acl;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the compiled rules allow: mosquitto's semantics, and the layouts we serve. */
class AclRulesTest {

    @Test
    void aClientMatchingNoRuleIsDenied() {
        Acl acl = Acl.of("user bob", "topic a");
        assertFalse(acl.user("eve").canPublish("a"));
        assertFalse(acl.user("eve").canReceive("a"));
        assertFalse(acl.user("eve").canSubscribe("a"));
        assertFalse(acl.anonymous().canPublish("a"));
        assertFalse(acl.user("bob").canPublish("b"));
    }

    @Test
    void anEmptyFileDeniesEverything() {
        Acl acl = Acl.of("# nothing here");
        assertFalse(acl.anonymous().canPublish("a"));
        assertFalse(acl.user("bob").canSubscribe("#"));
    }

    @Test
    void mosquittoExampleAclFile() {
        // mosquitto's aclfile.example, as shipped with the broker.
        Acl acl = Acl.of(
                "# This affects access control for clients with no username.",
                "topic read $SYS/#",
                "",
                "# This only affects clients with username \"roger\".",
                "user roger",
                "topic foo/bar",
                "",
                "# This affects all clients.",
                "pattern write $SYS/broker/connection/%c/state");
        assertTrue(acl.anonymous().canReceive("$SYS/broker/uptime"));
        assertTrue(acl.anonymous().canSubscribe("$SYS/#"));
        assertFalse(acl.anonymous().canPublish("$SYS/broker/uptime"));
        assertFalse(acl.user("roger").canReceive("$SYS/broker/uptime"));
        assertTrue(acl.user("roger").canPublish("foo/bar"));
        assertTrue(acl.user("roger").canReceive("foo/bar"));
        assertFalse(acl.user("roger").canPublish("foo/baz"));
        assertTrue(acl.client("roger", "bridge1").canPublish("$SYS/broker/connection/bridge1/state"));
        assertTrue(acl.client(null, "bridge2").canPublish("$SYS/broker/connection/bridge2/state"));
        assertFalse(acl.client("roger", "bridge1").canPublish("$SYS/broker/connection/bridge2/state"));
        assertFalse(acl.client("roger", "bridge1").canReceive("$SYS/broker/connection/bridge1/state"));
    }

    @Test
    void manPagePatternExampleLetsEachUserWriteOnlyTheirOwnSensor() {
        Acl acl = Acl.of("pattern write sensor/%u/data");
        assertTrue(acl.user("alice").canPublish("sensor/alice/data"));
        assertFalse(acl.user("alice").canPublish("sensor/bob/data"));
        assertFalse(acl.user("alice").canReceive("sensor/alice/data"));
        assertFalse(acl.anonymous().canPublish("sensor/%u/data"));
    }

    @Test
    void devicesWriteTheirAttributesAndReadTheirConfigAndTheAgentReadsEverything() {
        Acl acl = Acl.of(
                "user dev1",
                "topic write /tenant1/dev1/attrs",
                "topic read /tenant1/dev1/config",
                "user dev2",
                "topic write /tenant2/dev2/attrs",
                "topic read /tenant2/dev2/config",
                "user iotagent",
                "topic read /#");
        Acl.Client dev1 = acl.user("dev1");
        assertTrue(dev1.canPublish("/tenant1/dev1/attrs"));
        assertFalse(dev1.canReceive("/tenant1/dev1/attrs"));
        assertTrue(dev1.canSubscribe("/tenant1/dev1/config"));
        assertTrue(dev1.canReceive("/tenant1/dev1/config"));
        assertFalse(dev1.canPublish("/tenant1/dev1/config"));
        assertFalse(dev1.canPublish("/tenant2/dev2/attrs"));
        assertFalse(dev1.canSubscribe("/tenant2/dev2/config"));
        assertFalse(dev1.canSubscribe("/tenant1/+/config"));
        assertFalse(dev1.canSubscribe("/#"));

        Acl.Client agent = acl.user("iotagent");
        assertTrue(agent.canSubscribe("/#"));
        assertTrue(agent.canSubscribe("/+/+/attrs"));
        assertTrue(agent.canReceive("/tenant2/dev2/attrs"));
        assertFalse(agent.canPublish("/tenant1/dev1/config"));
        assertFalse(agent.canSubscribe("#"), "'/#' does not cover topics without a leading '/'");
        assertFalse(agent.canReceive("other/topic"));
    }

    @Test
    void denyWinsOverABroaderGrantInTheSameBlock() {
        Acl acl = Acl.of("user bob", "topic readwrite home/#", "topic deny home/secret/#");
        Acl.Client bob = acl.user("bob");
        assertTrue(bob.canPublish("home/kitchen"));
        assertFalse(bob.canPublish("home/secret/safe"));
        assertFalse(bob.canReceive("home/secret"));
        assertTrue(bob.canSubscribe("home/#"), "the rest of home/# is readable; secret is filtered per message");
        assertFalse(bob.canSubscribe("home/secret/#"));
        assertFalse(bob.canSubscribe("home/secret/+"));
    }

    @Test
    void denyWinsWhicheverOrderTheLinesAreIn() {
        Acl acl = Acl.of("user bob", "topic deny a/b", "topic a/#");
        assertFalse(acl.user("bob").canPublish("a/b"));
        assertTrue(acl.user("bob").canPublish("a/c"));
    }

    @Test
    void aDenyPatternWinsOverAUsersOwnGrant() {
        // mosquitto checks a user's rules before the patterns and stops at the first grant;
        // we let a deny anywhere win, which is what a reader of the file expects.
        Acl acl = Acl.of("user admin", "topic read devices/#", "pattern deny devices/%u/secret");
        assertTrue(acl.user("admin").canReceive("devices/bob/secret"));
        assertFalse(acl.user("admin").canReceive("devices/admin/secret"));
    }

    @Test
    void patternsSubstituteUsernameAndClientId() {
        Acl acl = Acl.of("pattern readwrite users/%u/#", "pattern write clients/%c/status");
        Acl.Client bob = acl.client("bob", "phone");
        assertTrue(bob.canPublish("users/bob/x"));
        assertTrue(bob.canSubscribe("users/bob/#"));
        assertTrue(bob.canReceive("users/bob"));
        assertFalse(bob.canReceive("users/alice/x"));
        assertTrue(bob.canPublish("clients/phone/status"));
        assertFalse(bob.canPublish("clients/bob/status"));
        assertFalse(acl.client(null, "phone").canPublish("users/phone/x"), "%u never matches without a username");
        assertTrue(acl.client(null, "phone").canPublish("clients/phone/status"));
    }

    @ParameterizedTest(name = "username \"{0}\" gets nothing from patterns")
    @CsvSource({"#", "+", "a/b", "bob/#", "+/x"})
    void aUsernameWithWildcardsOrSlashesNeverMatchesAPattern(String name) {
        Acl acl = Acl.of("pattern readwrite users/%u/#", "pattern readwrite clients/%c/#");
        Acl.Client hostile = acl.client(name, name);
        assertFalse(hostile.canSubscribe("users/" + name + "/#"));
        assertFalse(hostile.canSubscribe("users/#"));
        assertFalse(hostile.canReceive("users/alice/x"));
        assertFalse(hostile.canPublish("clients/" + name.replace("#", "x").replace("+", "y") + "/z"));
        Acl.Client innocentNameHostileId = acl.client("bob", name);
        assertFalse(innocentNameHostileId.canReceive("users/bob/x"));
    }

    @Test
    void anEmptyUsernameSubstitutesNothing() {
        Acl acl = Acl.of("pattern read users/%u/#");
        assertFalse(acl.client("", "c").canReceive("users//x"));
    }

    @Test
    void percentInATopicLineIsLiteral() {
        Acl acl = Acl.of("user bob", "topic read a/%u");
        assertTrue(acl.user("bob").canReceive("a/%u"));
        assertFalse(acl.user("bob").canReceive("a/bob"));
    }

    @Test
    void dollarTopicsAreNotCoveredByLeadingWildcards() {
        Acl acl = Acl.of("user bob", "topic read #", "topic read +/uptime", "user ops", "topic read $SYS/#");
        assertFalse(acl.user("bob").canReceive("$SYS/broker/uptime"));
        assertFalse(acl.user("bob").canReceive("$SYS/uptime"));
        assertFalse(acl.user("bob").canSubscribe("$SYS/#"));
        assertTrue(acl.user("bob").canReceive("x/uptime"));
        assertTrue(acl.user("ops").canReceive("$SYS/broker/uptime"));
        assertTrue(acl.user("ops").canSubscribe("$SYS/broker/+"));
        assertFalse(acl.user("ops").canSubscribe("#"));
    }

    @Test
    void aDenyOnSysFollowsTheSameRules() {
        Acl acl = Acl.of("user ops", "topic read $SYS/#", "topic deny $SYS/broker/clients/#");
        assertTrue(acl.user("ops").canReceive("$SYS/broker/uptime"));
        assertFalse(acl.user("ops").canReceive("$SYS/broker/clients/connected"));
    }

    @Test
    void malformedTopicsAndFiltersAreNeverAllowed() {
        Acl acl = Acl.of("user bob", "topic #");
        assertFalse(acl.user("bob").canPublish("a/+"));
        assertFalse(acl.user("bob").canPublish(""));
        assertFalse(acl.user("bob").canSubscribe("a/#/b"));
        assertFalse(acl.user("bob").canSubscribe("a+"));
        assertFalse(acl.user("bob").canSubscribe(""));
    }

    /** Topic name against one ACL filter (publish and delivery). Cases from MQTT 5.0 §4.7. */
    @ParameterizedTest(name = "ACL {0} matches topic {1}: {2}")
    @CsvSource({
            "a/b/c,   a/b/c,   true",
            "a/b/c,   a/b,     false",
            "a/b,     a/b/c,   false",
            "a/+/c,   a/x/c,   true",
            "a/+/c,   a//c,    true",
            "a/+/c,   a/x/y/c, false",
            "a/+,     a,       false",
            "+/+,     /x,      true",
            "+,       /x,      false",
            "a/#,     a,       true",
            "a/#,     a/b/c/d, true",
            "a/#,     ab,      false",
            "#,       a/b,     true",
            "#,       /,       true",
            "a/+/#,   a/b,     true",
            "a/+/#,   a,       false",
            "/a,      a,       false",
            "a/,      a/,      true",
            "a/,      a,       false",
    })
    void topicMatching(String aclFilter, String topic, boolean expected) {
        Acl acl = Acl.of("user u", "topic read " + aclFilter);
        assertEquals(expected, acl.user("u").canReceive(topic));
    }

    /**
     * Subscription filter against one ACL filter: allowed only if the ACL filter matches every
     * topic the subscription could (mosquitto 2's sub_matches_acl).
     */
    @ParameterizedTest(name = "ACL {0} allows subscribing to {1}: {2}")
    @CsvSource({
            "a/b,     a/b,     true",
            "a/b,     a/+,     false",
            "a/b,     a/#,     false",
            "a/+,     a/b,     true",
            "a/+,     a/+,     true",
            "a/+,     a/#,     false",
            "a/+,     a/b/c,   false",
            "a/#,     a/#,     true",
            "a/#,     a/+/c,   true",
            "a/#,     a,       true",
            "a/#,     +/b,     false",
            "#,       #,       true",
            "#,       +/+/#,   true",
            "+/#,     #,       false",
            "+/#,     +/x,     true",
            "a/+/#,   a/b,     true",
            "a/+/#,   a/#,     false",
            "a/+/c,   a/+/c,   true",
            "a/+/c,   a/+/+,   false",
    })
    void subscriptionContainment(String aclFilter, String subscription, boolean expected) {
        Acl acl = Acl.of("user u", "topic read " + aclFilter);
        assertEquals(expected, acl.user("u").canSubscribe(subscription));
    }

    @Test
    void writeAccessAloneDoesNotAllowSubscribing() {
        Acl acl = Acl.of("user u", "topic write a/#");
        assertFalse(acl.user("u").canSubscribe("a/#"));
    }

    @Test
    void patternsSubstituteInSubscriptionsToo() {
        Acl acl = Acl.of("pattern read tenants/+/%u/#");
        assertTrue(acl.user("d1").canSubscribe("tenants/t1/d1/#"));
        assertTrue(acl.user("d1").canSubscribe("tenants/+/d1/config"));
        assertFalse(acl.user("d1").canSubscribe("tenants/t1/+/config"));
        assertFalse(acl.user("d1").canSubscribe("tenants/t1/d2/#"));
    }

    /** Deeper than any call stack: a check walks the levels in a loop, not by recursion. */
    @Test
    void aDeepRuleAndTopicAreCheckedWithoutOverflowingTheStack() {
        String deep = "d/".repeat(50_000);
        Acl acl = Acl.of("user bob", "topic readwrite " + deep + "+/end", "pattern read " + deep + "%u/#");
        assertTrue(acl.user("bob").canPublish(deep + "x/end"));
        assertFalse(acl.user("bob").canPublish(deep + "x/other"));
        assertTrue(acl.user("bob").canSubscribe(deep + "bob/#"));
        assertFalse(acl.user("bob").canSubscribe(deep + "eve/#"));
    }

    /**
     * A fork of many literal levels (a user with a topic line per tenant): each is found by its
     * own name only, also once the node's table has grown, and a name that shares a prefix or
     * a hash-colliding spelling is not taken for another ("Aa" and "BB" hash alike).
     */
    @Test
    void aForkOfManyLiteralLevelsFindsEachByItsOwnName() {
        String[] lines = new String[202];
        lines[0] = "user backend";
        for (int i = 0; i < 200; i++) {
            lines[i + 1] = "topic read tenants/t" + i + "/#";
        }
        lines[201] = "topic read hash/Aa";
        Acl acl = Acl.of(lines);
        for (int i = 0; i < 200; i++) {
            assertTrue(acl.user("backend").canReceive("tenants/t" + i + "/x"), "t" + i);
        }
        assertFalse(acl.user("backend").canReceive("tenants/t200/x"));
        assertFalse(acl.user("backend").canReceive("tenants/t1x/x"));
        assertFalse(acl.user("backend").canReceive("tenants/t/x"));
        assertTrue(acl.user("backend").canReceive("hash/Aa"));
        assertFalse(acl.user("backend").canReceive("hash/BB"));
    }

    /**
     * Fan-in's two checks per message (the device's publish by pattern, the backend's delivery
     * by {@code #}) allocate nothing once warm: the levels are walked in the topic itself. They
     * split it into strings (and a stack of visits) per check before, ~400 bytes each.
     */
    @Test
    void aFleetsPublishAndDeliveryChecksAllocateNothing() {
        AclRules rules = Acl.of("pattern write /bench/%u/attrs", "pattern read /bench/%u/config",
                "user backend", "topic read /bench/#").rules();
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        String topic = "/bench/dev-7/attrs";
        boolean all = true;
        for (int i = 0; i < 20_000; i++) { // warm: let the JIT compile both checks
            all &= rules.canPublish("dev-7", "dev-7", topic) && rules.canReceive("backend", "backend", topic);
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 10_000; i++) {
            all &= rules.canPublish("dev-7", "dev-7", topic) && rules.canReceive("backend", "backend", topic);
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(all);
        assertTrue(allocated < 10_000, allocated + " bytes allocated by 20,000 checks");
    }
}
