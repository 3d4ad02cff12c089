package dev.midge.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The routes a node keeps of the others, and how it picks one node per shared group. */
class RouteTableTest {

    private static final String GROUP = "$share/g/fleet/#";
    private static final Set<String> ALL = Set.of("node-1", "node-2", "node-3");

    @Test
    void aNodeWithOnlySharedMembersIsNotSentEveryMessage() {
        RouteTable table = new RouteTable();
        table.add(RouteTable.key("node-2", GROUP));
        table.add(RouteTable.key("node-2", "fleet/#"));
        table.add(RouteTable.key("node-3", GROUP));

        assertEquals(List.of("node-2"), table.nodesFor("fleet/t1", "node-1"));
    }

    @Test
    void eachMessageOfAGroupGoesToTheNextNodeWithMembersRoundRobin() {
        RouteTable table = new RouteTable();
        table.add(RouteTable.key("node-2", GROUP));
        table.add(RouteTable.key("node-3", GROUP));

        assertEquals(List.of("node-2", "node-3", "node-2", "node-3"), picks(table, "node-1", false, ALL, 4));
        assertNull(table.assignShares("other/t1", "node-1", f -> false, ALL), "no group matches: nothing to assign");
    }

    @Test
    void thePublishingNodeTakesItsTurnWhenItHasMembersItself() {
        RouteTable table = new RouteTable();
        table.add(RouteTable.key("node-2", GROUP));
        // node-1's own route is not replicated back yet: its own filters count.
        assertEquals(List.of("node-1", "node-2", "node-1", "node-2"), picks(table, "node-1", true, ALL, 4));
    }

    @Test
    void aNodeOutOfTheViewOrForgottenIsNotPicked() {
        RouteTable table = new RouteTable();
        table.add(RouteTable.key("node-2", GROUP));
        table.add(RouteTable.key("node-3", GROUP));

        assertEquals(List.of("node-2", "node-2"), picks(table, "node-1", false, Set.of("node-1", "node-2"), 2));
        table.forgetNode("node-2");
        assertEquals(List.of("node-3", "node-3"), picks(table, "node-1", false, ALL, 2));
        table.remove(RouteTable.key("node-3", GROUP));
        assertNull(table.assignShares("fleet/t1", "node-1", f -> false, ALL), "the group has no member left");
    }

    @Test
    void aMessageWhoseNodeLostItsMembersIsRedirectedToAnotherNode() {
        RouteTable table = new RouteTable();
        table.add(RouteTable.key("node-2", GROUP));
        table.add(RouteTable.key("node-3", GROUP));

        assertEquals("node-3", table.redirect(GROUP, "node-2", ALL));
        assertNull(table.redirect(GROUP, "node-2", Set.of("node-1", "node-2")), "no other node has members");
    }

    private static List<String> picks(RouteTable table, String self, boolean selfHas, Set<String> view, int n) {
        List<String> picked = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Map<String, String> assigned = table.assignShares("fleet/t1", self, f -> selfHas, view);
            picked.add(assigned.get(GROUP));
        }
        return picked;
    }
}
