package dev.midge.broker.retained;

import dev.midge.broker.message.Message;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetainedStoreTest {

    private final RetainedStore store = new RetainedStore();

    private static Message msg(String topic, String payload) {
        return Message.of(topic, payload.getBytes(StandardCharsets.UTF_8), 1, true);
    }

    private List<String> topics(String filter) {
        return store.match(filter, System.nanoTime()).stream().map(Message::topic).sorted().toList();
    }

    @Test
    void wildcardSubscribeFindsMatchingTopicsOnly() {
        store.put(msg("a", "1"));
        store.put(msg("a/b", "2"));
        store.put(msg("a/b/c", "3"));
        store.put(msg("x/b", "4"));
        assertEquals(List.of("a", "a/b", "a/b/c"), topics("a/#"));
        assertEquals(List.of("a/b", "x/b"), topics("+/b"));
        assertEquals(List.of("a", "a/b", "a/b/c", "x/b"), topics("#"));
        assertEquals(List.of("a/b"), topics("a/b"));
    }

    @Test
    void emptyPayloadClearsAndReplacingKeepsOne() {
        store.put(msg("t", "old"));
        store.put(msg("t", "new"));
        assertEquals(1, store.size());
        assertEquals("new", new String(store.match("t", System.nanoTime()).get(0).payload(), StandardCharsets.UTF_8));
        store.put(msg("t", ""));
        assertEquals(0, store.size());
        assertTrue(topics("#").isEmpty());
    }

    @Test
    void dollarTopicsAreHiddenFromLeadingWildcards() {
        store.put(msg("$SYS/uptime", "1"));
        assertEquals(List.of(), topics("#"));
        assertEquals(List.of(), topics("+/uptime"));
        assertEquals(List.of("$SYS/uptime"), topics("$SYS/#"));
    }

    @Test
    void expiredRetainedMessagesAreNotDelivered() {
        long now = System.nanoTime();
        store.put(new Message("e", new byte[]{1}, 0, true, Message.ForwardedProperties.NONE, now - 1, null));
        assertEquals(List.of(), store.match("e", now));
    }

    @Test
    void aDeepTopicIsFoundByWildcardsAndClearedWithoutOverflowingTheStack() {
        String deep = "d/".repeat(50_000) + "end";
        store.put(msg(deep, "deep"));
        store.put(msg("d", "shallow"));
        assertEquals(List.of("d", deep), topics("#"));
        assertEquals(List.of("d", deep), topics("d/#"));
        assertEquals(List.of(deep), topics(deep));
        assertEquals(List.of(deep), topics("d/+/" + deep.substring(4)));

        store.put(msg(deep, ""));
        assertEquals(List.of("d"), topics("#"));
        assertEquals(1, store.size());
    }
}
