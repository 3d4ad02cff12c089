package dev.midge.pki;

/**
 * Makes a peer-supplied string (a URL path, a device ID, a SAN from a CSR) safe to put into one
 * log line: control characters (CR, LF, ESC, C1, the Unicode line and paragraph separators)
 * become {@code \n}, {@code \r}, {@code \t} or {@code \\uXXXX}, and a backslash is doubled, so a
 * client cannot end a line and write one that looks like the broker's own. Long strings are cut,
 * so a client cannot fill the log either.
 */
public final class LogEscape {

    static final int MAX_CHARS = 200;

    private LogEscape() {
    }

    public static String of(Object peerSupplied) {
        if (peerSupplied == null) {
            return "null";
        }
        String s = peerSupplied.toString();
        StringBuilder out = new StringBuilder(Math.min(s.length(), MAX_CHARS) + 8);
        for (int i = 0; i < s.length(); i++) {
            if (i == MAX_CHARS) {
                return out.append("...(").append(s.length()).append(" chars)").toString();
            }
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
