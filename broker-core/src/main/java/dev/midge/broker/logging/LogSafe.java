package dev.midge.broker.logging;

/**
 * How a string a peer chose (client id, username, topic, will topic) goes into a log line:
 * control characters escaped, so a client cannot forge extra log lines with a newline or hide
 * text with terminal escapes. Every core log line that prints a peer's string passes it here.
 */
public final class LogSafe {

    private LogSafe() {
    }

    /** The string with U+0000–U+001F and U+007F escaped as {@code \n}, {@code \u0001}…; null stays "null". */
    public static String text(String s) {
        if (s == null) {
            return "null";
        }
        int i = 0;
        while (i < s.length() && !isControl(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s; // the common case: nothing to escape, nothing allocated
        }
        StringBuilder b = new StringBuilder(s.length() + 8).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (isControl(c)) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** Whether a client id may not contain this character: the C0 controls and DEL. */
    public static boolean isControl(char c) {
        return c < 0x20 || c == 0x7F;
    }

    /** Whether the string holds a control character (U+0000–U+001F, U+007F). */
    public static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (isControl(s.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
