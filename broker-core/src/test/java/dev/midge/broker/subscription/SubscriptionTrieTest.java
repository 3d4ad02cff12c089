package dev.midge.broker.subscription;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SubscriptionTrieTest {

    private final SubscriptionTrie trie = new SubscriptionTrie();

    private List<String> subscribersOf(String topic) {
        return trie.match(topic).stream().map(s -> s.clientId() + ":" + s.filter().text()).sorted().toList();
    }

    @Test
    void plusMatchesExactlyOneLevelAndHashMatchesTheRestIncludingTheParent() {
        trie.subscribe(Subscription.simple("a", "home/+/temp", 0));
        trie.subscribe(Subscription.simple("b", "home/#", 0));
        trie.subscribe(Subscription.simple("c", "home/kitchen/temp", 0));
        assertEquals(List.of("a:home/+/temp", "b:home/#", "c:home/kitchen/temp"), subscribersOf("home/kitchen/temp"));
        assertEquals(List.of("b:home/#"), subscribersOf("home"));
        assertEquals(List.of("b:home/#"), subscribersOf("home/kitchen/temp/extra"));
        assertEquals(List.of(), subscribersOf("garden/temp"));
    }

    /** The result is kept per topic: a second message to the topic is not matched again. */
    @Test
    void aTopicsMatchIsReusedUntilASubscriptionChanges() {
        trie.subscribe(Subscription.simple("a", "dev/+/attrs", 1));
        List<Subscription> first = trie.match("dev/1/attrs");
        assertSame(first, trie.match("dev/1/attrs"), "the same result, not matched again");

        trie.subscribe(Subscription.simple("b", "dev/#", 0));
        assertEquals(List.of("a:dev/+/attrs", "b:dev/#"), subscribersOf("dev/1/attrs"), "a new subscription counts at once");
        trie.subscribe(Subscription.simple("b", "dev/#", 2));
        assertEquals(2, trie.match("dev/1/attrs").stream().filter(s -> s.clientId().equals("b")).findFirst()
                .orElseThrow().qos(), "a replaced subscription's QoS counts at once");
        trie.unsubscribe("a", TopicFilter.parse("dev/+/attrs"));
        assertEquals(List.of("b:dev/#"), subscribersOf("dev/1/attrs"), "an unsubscribe counts at once");
        trie.unsubscribe("b", TopicFilter.parse("dev/#"));
        assertEquals(List.of(), subscribersOf("dev/1/attrs"));
    }

    /** A shared group picks a member per message, so a match through one is never reused. */
    @Test
    void aMatchThroughASharedGroupIsNotReused() {
        trie.subscribe(Subscription.simple("a", "$share/g/jobs/#", 1));
        trie.subscribe(Subscription.simple("b", "$share/g/jobs/#", 1));
        trie.subscribe(Subscription.simple("c", "jobs/#", 1));
        List<String> picked = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            picked.add(trie.match("jobs/1").stream().map(Subscription::clientId).filter(id -> !id.equals("c"))
                    .findFirst().orElseThrow());
        }
        assertEquals(List.of("a", "b", "a", "b"), picked, "round robin on every message");
    }

    @Test
    void emptyLevelsAreLevels() {
        trie.subscribe(Subscription.simple("a", "+/+", 0));
        trie.subscribe(Subscription.simple("b", "/finance", 0));
        assertEquals(List.of("a:+/+", "b:/finance"), subscribersOf("/finance"));
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() {
        trie.subscribe(Subscription.simple("a", "#", 0));
        trie.subscribe(Subscription.simple("b", "+/broker", 0));
        trie.subscribe(Subscription.simple("c", "$SYS/#", 0));
        assertEquals(List.of("c:$SYS/#"), subscribersOf("$SYS/broker"));
    }

    @Test
    void unsubscribeRemovesOnlyThatClientsSubscription() {
        trie.subscribe(Subscription.simple("a", "x/y", 0));
        trie.subscribe(Subscription.simple("b", "x/y", 0));
        assertTrue(trie.unsubscribe("a", TopicFilter.parse("x/y")));
        assertFalse(trie.unsubscribe("a", TopicFilter.parse("x/y")));
        assertEquals(List.of("b:x/y"), subscribersOf("x/y"));
    }

    @Test
    void resubscribingReplacesTheSubscription() {
        assertTrue(trie.subscribe(Subscription.simple("a", "x", 0)));
        assertFalse(trie.subscribe(Subscription.simple("a", "x", 2)));
        assertEquals(2, trie.match("x").get(0).qos());
    }

    @Test
    void sharedGroupPicksOneMemberRoundRobinPreferringConnectedOnes() {
        trie.subscribe(Subscription.simple("a", "$share/g/jobs", 1));
        trie.subscribe(Subscription.simple("b", "$share/g/jobs", 1));
        trie.subscribe(Subscription.simple("c", "$share/g/jobs", 1));
        List<String> picks = new java.util.ArrayList<>();
        for (int i = 0; i < 6; i++) {
            List<Subscription> m = trie.match("jobs");
            assertEquals(1, m.size());
            picks.add(m.get(0).clientId());
        }
        assertEquals(List.of("a", "b", "c", "a", "b", "c"), picks);
        for (int i = 0; i < 3; i++) {
            assertEquals("b", trie.match("jobs", id -> id.equals("b")).get(0).clientId());
        }
    }

    @Test
    void invalidFiltersAreRejected() {
        for (String bad : List.of("", "a/#/b", "a#", "a+/b", "$share/g", "$share//x", "$share/g+/x", "a\u0000b")) {
            assertNull(TopicFilter.parse(bad), bad);
        }
        TopicFilter shared = TopicFilter.parse("$share/group/a/+");
        assertEquals("group", shared.shareGroup());
        assertEquals("a/+", shared.filter());
    }

    @Test
    void topicMatchingFollowsTheSpecExamples() {
        assertTrue(TopicFilter.matches("sport/tennis/player1/#", "sport/tennis/player1"));
        assertTrue(TopicFilter.matches("sport/#", "sport"));
        assertTrue(TopicFilter.matches("+", "sport"));
        assertFalse(TopicFilter.matches("+", "/finance"));
        assertTrue(TopicFilter.matches("+/+", "/finance"));
        assertFalse(TopicFilter.matches("sport/+", "sport"));
        assertFalse(TopicFilter.matches("#", "$SYS/x"));
    }

    /** Deeper than any call stack: matching and removing must not recurse per level. */
    private static final String DEEP = "d/".repeat(50_000) + "end";

    @Test
    void aDeepFilterIsMatchedAndRemovedWithoutOverflowingTheStack() {
        trie.subscribe(Subscription.simple("deep", DEEP, 0));
        trie.subscribe(Subscription.simple("all", "#", 0));
        trie.subscribe(Subscription.simple("plus", "d/+/d/#", 0));
        assertEquals(List.of("all:#", "deep:" + DEEP, "plus:d/+/d/#"), subscribersOf(DEEP));

        assertTrue(trie.unsubscribe("deep", TopicFilter.parse(DEEP)));
        assertEquals(List.of("all:#", "plus:d/+/d/#"), subscribersOf(DEEP));
        assertFalse(trie.unsubscribe("deep", TopicFilter.parse(DEEP)), "no ghost subscription left behind");
    }

    /**
     * A cluster node matches only what it delivers: normal subscriptions or not, and the groups
     * the cluster picked it for; a group left out keeps its round-robin for the messages it gets.
     */
    @Test
    void aClusterNodeMatchesOnlyTheGroupsItWasPickedFor() {
        trie.subscribe(Subscription.simple("a", "$share/g/jobs/#", 1));
        trie.subscribe(Subscription.simple("b", "$share/g/jobs/#", 1));
        trie.subscribe(Subscription.simple("x", "$share/h/jobs/#", 1));
        trie.subscribe(Subscription.simple("c", "jobs/#", 1));
        List<String> picked = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            boolean forG = i % 2 == 0; // g's turn here every other message only
            trie.match("jobs/1", id -> true, false, f -> forG && f.equals("$share/g/jobs/#"))
                    .forEach(s -> picked.add(s.clientId()));
        }
        assertEquals(List.of("a", "b"), picked, "no normal subscriber, no group h, g in turn");
        assertEquals(List.of("c"), trie.match("jobs/1", id -> true, true, f -> false).stream()
                .map(Subscription::clientId).toList());
    }

    /** Another node's messages to a topic without groups share the cache of local publishes. */
    @Test
    void aClusterMatchWithoutGroupsIsReused() {
        trie.subscribe(Subscription.simple("c", "jobs/#", 1));
        List<Subscription> first = trie.match("jobs/1", id -> true, true, f -> false);
        assertSame(first, trie.match("jobs/1"));
        assertEquals(List.of(), trie.match("jobs/1", id -> true, false, f -> true), "not for normal subscribers");
    }
}
