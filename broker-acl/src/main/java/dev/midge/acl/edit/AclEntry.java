package dev.midge.cli.admin;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code topic ACCESS FILTER} line of a mosquitto ACL, from {@code --acl 'read /#'}.
 *
 * @param access read, write, readwrite or deny
 * @param filter an MQTT topic filter
 */
record AclEntry(String access, String filter) {

    private static final Pattern FORM = Pattern.compile("(read|write|readwrite|deny)\\s+(\\S+)");

    static AclEntry parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new AdminException("--acl '" + text + "': expected 'read|write|readwrite|deny FILTER'");
        }
        String filter = m.group(2);
        checkFilter(filter, "--acl '" + text + "'");
        return new AclEntry(m.group(1), filter);
    }

    /** MQTT 3.1.1 4.7.1: '#' only as the whole last level, '+' only as a whole level. */
    static void checkFilter(String filter, String where) {
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new AdminException(where + ": '#' must be the whole last level of a topic filter");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new AdminException(where + ": '+' must be a whole level of a topic filter");
            }
        }
    }

    String line() {
        return "topic " + access + " " + filter;
    }
}
