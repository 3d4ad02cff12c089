package dev.midge.acl;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A fleet-sized ACL: 100,000 devices of 3 rules each. A check walks the topic's levels in the
 * device's own rules, so 100,000 checks take milliseconds; a scan over the 300,000 lines would
 * take minutes and fail the time bound, which is generous for a loaded machine.
 */
class AclScaleTest {

    private static final int DEVICES = 100_000;
    private static AclRules rules;

    @BeforeAll
    static void parseFleetAcl() throws InvalidFileException {
        List<String> lines = new ArrayList<>(DEVICES * 4 + 4);
        lines.add("user iotagent");
        lines.add("topic read /#");
        for (int i = 0; i < DEVICES; i++) {
            String device = "dev" + i;
            String tenant = "tenant" + (i % 100);
            lines.add("user " + device);
            lines.add("topic write /" + tenant + "/" + device + "/attrs");
            lines.add("topic read /" + tenant + "/" + device + "/config");
            lines.add("topic deny /" + tenant + "/" + device + "/config/secret");
        }
        rules = AclFile.parse("fleet.acl", lines);
    }

    @Test
    void everyDeviceHasItsOwnRulesAndNoOneElses() {
        assertEquals(DEVICES + 1, rules.userCount());
        assertEquals(DEVICES * 3 + 1, rules.ruleCount());
        assertTrue(rules.canPublish("dev99999", "c", "/tenant99/dev99999/attrs"));
        assertTrue(rules.canSubscribe("dev99999", "c", "/tenant99/dev99999/config"));
        assertFalse(rules.canReceive("dev99999", "c", "/tenant99/dev99999/config/secret"));
        assertFalse(rules.canPublish("dev99999", "c", "/tenant98/dev99998/attrs"));
        assertTrue(rules.canReceive("iotagent", "c", "/tenant98/dev99998/attrs"));
    }

    @Test
    void aCheckCostsTheTopicDepthNotTheFileSize() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            int allowed = 0;
            for (int i = 0; i < DEVICES; i++) {
                String device = "dev" + i;
                if (rules.canPublish(device, device, "/tenant" + (i % 100) + "/" + device + "/attrs")) {
                    allowed++;
                }
            }
            assertEquals(DEVICES, allowed);
        });
    }
}
