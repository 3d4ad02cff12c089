package dev.midge.tls;

/**
 * Makes text a client supplied (certificate names, client ids, SNI, JSSE messages quoting them)
 * safe for one log line: control, line-separator and format characters (which include the bidi
 * overrides) are written as escapes, so a CN with a newline cannot forge a second log line.
 */
public final class PeerText {

    private PeerText() {
    }

    public static String forLog(String text) {
        if (text == null) {
            return "null";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (needsEscape(c)) {
                if (out == null) {
                    out = new StringBuilder(text.length() + 8).append(text, 0, i);
                }
                out.append(c < 0x100 ? String.format("\\x%02X", (int) c) : String.format("\\u%04X", (int) c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? text : out.toString();
    }

    private static boolean needsEscape(char c) {
        int type = Character.getType(c);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR;
    }
}
