package dev.midge.broker.bridge;

import dev.midge.broker.bridge.BridgeOptions.Direction;
import dev.midge.broker.bridge.BridgeOptions.Topic;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** mosquitto's remapping (bridge__remap_topic_in and the outgoing counterpart): the first matching line decides. */
class TopicRemapTest {

    private static Topic topic(Direction d, String pattern, String local, String remote) {
        return new Topic(d, 1, local, remote, local == null ? pattern : local + pattern,
                remote == null ? pattern : remote + pattern);
    }

    @Test
    void prefixesAreSwappedBothWays() {
        TopicRemap remap = new TopicRemap(List.of(topic(Direction.BOTH, "sensors/#", "site1/", "cloud/site1/")));
        assertEquals("cloud/site1/sensors/t", remap.out("site1/sensors/t"));
        assertEquals("site1/sensors/t", remap.in("cloud/site1/sensors/t"));
    }

    @Test
    void oneSidedPrefixesAddOrRemoveOnly() {
        TopicRemap remap = new TopicRemap(List.of(
                topic(Direction.IN, "cmd/+", null, "remote/"),
                topic(Direction.OUT, "data/#", "local/", null)));
        assertEquals("cmd/reboot", remap.in("remote/cmd/reboot"));
        assertEquals("data/x", remap.out("local/data/x"));
    }

    @Test
    void theFirstMatchingLineOfTheRightDirectionDecidesAndNoMatchLeavesTheTopic() {
        TopicRemap remap = new TopicRemap(List.of(
                topic(Direction.OUT, "#", "a/", "x/"),
                topic(Direction.IN, "#", "b/", "y/"),
                topic(Direction.BOTH, "#", "c/", "z/")));
        assertEquals("x/t", remap.out("a/t"));
        assertEquals("b/t", remap.in("y/t"), "an out line is not used for incoming messages");
        assertEquals("c/t", remap.in("z/t"));
        assertEquals("other/t", remap.in("other/t"));
    }

    @Test
    void theEmptyPatternMapsOneTopicToAnother() {
        TopicRemap remap = new TopicRemap(List.of(new Topic(Direction.BOTH, 0, "local/a", "remote/b", "local/a",
                "remote/b")));
        assertEquals("remote/b", remap.out("local/a"));
        assertEquals("local/a", remap.in("remote/b"));
    }

    @Test
    void backoffStaysBetweenBaseAndCapAndAConstantWaitIsConstant() {
        RestartBackoff constant = new RestartBackoff(3, 0);
        assertEquals(3, constant.next());
        assertEquals(3, constant.next());
        RestartBackoff jitter = new RestartBackoff(2, 20);
        for (int i = 0; i < 100; i++) {
            int wait = jitter.next();
            assertTrue(wait >= 2 && wait <= 20, "wait " + wait);
        }
        jitter.reset();
        assertTrue(jitter.next() <= 6, "after a reset the next wait is at most three times the base");
    }
}
