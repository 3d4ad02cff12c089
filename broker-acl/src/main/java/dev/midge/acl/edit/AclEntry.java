package dev.midge.acl.edit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code topic ACCESS FILTER} line of a mosquitto ACL, from {@code --acl 'read /#'}.
 *
 * @param access read, write, readwrite or deny
 * @param filter an MQTT topic filter
 */
public record AclEntry(String access, String filter) {

    private static final Pattern FORM = Pattern.compile("(read|write|readwrite|deny)\\s+(\\S+)");

    /** Parses {@code read|write|readwrite|deny FILTER}; {@link AclEditException} names what is wrong. */
    public static AclEntry parse(String text) {
        Matcher m = FORM.matcher(text.strip());
        if (!m.matches()) {
            throw new AclEditException("--acl '" + text + "': expected 'read|write|readwrite|deny FILTER'");
        }
        String filter = m.group(2);
        checkFilter(filter, "--acl '" + text + "'");
        return new AclEntry(m.group(1), filter);
    }

    /** MQTT 3.1.1 4.7.1: '#' only as the whole last level, '+' only as a whole level. */
    public static void checkFilter(String filter, String where) {
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new AclEditException(where + ": '#' must be the whole last level of a topic filter");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new AclEditException(where + ": '+' must be a whole level of a topic filter");
            }
        }
    }

    public String line() {
        return "topic " + access + " " + filter;
    }
}
