package dev.midge.acl;

/** Topic names and filters seen as their levels (MQTT 5.0 §4.7). */
final class TopicLevels {

    private TopicLevels() {
    }

    /** The levels of a topic name or filter; empty levels are kept ("/a" is "" then "a"). */
    static String[] split(String topic) {
        return topic.split("/", -1);
    }

    /** Why this is not a valid topic filter, or null if it is one. */
    static String filterProblem(String filter) {
        if (filter.isEmpty()) {
            return "the topic filter is empty";
        }
        String[] levels = split(filter);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.equals("#")) {
                if (i != levels.length - 1) {
                    return "'#' must be the last level of the topic filter '" + filter + "'";
                }
            } else if (!level.equals("+") && (level.indexOf('+') >= 0 || level.indexOf('#') >= 0)) {
                return "'+' and '#' must fill a whole level, not part of one, in '" + filter + "'";
            }
        }
        return null;
    }

    /** Whether a subscription filter is well formed (so a malformed one is simply not allowed). */
    static boolean isValidFilter(String filter) {
        return filterProblem(filter) == null;
    }

    /** Whether a topic name is well formed: not empty and free of wildcards. */
    static boolean isValidName(String topic) {
        return !topic.isEmpty() && topic.indexOf('+') < 0 && topic.indexOf('#') < 0;
    }
}
