package dev.midge.broker.subscription;

import java.util.Arrays;
import java.util.List;

/**
 * A validated topic filter, with the {@code $share/group/} prefix split off for shared
 * subscriptions (MQTT 5 §4.8.2; also accepted from 3.1.1 clients, as mosquitto does).
 *
 * @param filter     the filter matched against topic names (without the share prefix)
 * @param shareGroup the share name, or null for a normal subscription
 */
public record TopicFilter(String filter, String shareGroup) {

    private static final String SHARE_PREFIX = "$share/";

    /** Parses a SUBSCRIBE/UNSUBSCRIBE filter; returns null if it is not a valid filter. */
    public static TopicFilter parse(String text) {
        if (text == null || text.isEmpty() || !isValidUtf8Text(text)) {
            return null;
        }
        if (text.startsWith(SHARE_PREFIX)) {
            int slash = text.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0) {
                return null;
            }
            String group = text.substring(SHARE_PREFIX.length(), slash);
            String filter = text.substring(slash + 1);
            if (group.isEmpty() || group.contains("+") || group.contains("#") || !isValidFilter(filter)) {
                return null;
            }
            return new TopicFilter(filter, group);
        }
        return isValidFilter(text) ? new TopicFilter(text, null) : null;
    }

    /** The text as the client sent it, which is how a subscription is identified. */
    public String text() {
        return shareGroup == null ? filter : SHARE_PREFIX + shareGroup + "/" + filter;
    }

    public boolean isShared() {
        return shareGroup != null;
    }

    public List<String> levels() {
        return Arrays.asList(filter.split("/", -1));
    }

    /** The number of levels of a topic name or filter: one more than its '/' separators. */
    public static int levelCount(String topic) {
        int levels = 1;
        for (int i = topic.indexOf('/'); i >= 0; i = topic.indexOf('/', i + 1)) {
            levels++;
        }
        return levels;
    }

    static boolean isValidFilter(String filter) {
        if (filter.isEmpty()) {
            return false;
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                return false;
            }
            if (level.contains("+") && !level.equals("+")) {
                return false;
            }
        }
        return true;
    }

    /** A topic name a client may publish to: non-empty, no wildcards, no NUL, valid UTF-8. */
    public static boolean isValidTopicName(String topic) {
        return topic != null && !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0
                && isValidUtf8Text(topic);
    }

    /**
     * Netty decodes strings leniently; invalid UTF-8 arrives as U+FFFD, which is how we detect
     * it. NUL is forbidden by the spec in all MQTT strings.
     */
    static boolean isValidUtf8Text(String s) {
        return s.indexOf('\u0000') < 0 && s.indexOf('\uFFFD') < 0;
    }

    /** Whether a topic name matches a filter (no share prefix), per MQTT §4.7. */
    public static boolean matches(String filter, String topic) {
        if (topic.startsWith("$") && (filter.startsWith("+") || filter.startsWith("#"))) {
            return false;
        }
        String[] f = filter.split("/", -1);
        String[] t = topic.split("/", -1);
        for (int i = 0; i < f.length; i++) {
            if (f[i].equals("#")) {
                return true;
            }
            if (i >= t.length) {
                return false;
            }
            if (!f[i].equals("+") && !f[i].equals(t[i])) {
                return false;
            }
        }
        return f.length == t.length;
    }
}
