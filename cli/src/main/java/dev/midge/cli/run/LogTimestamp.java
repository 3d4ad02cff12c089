package dev.midge.cli.run;

import dev.midge.conf.LogOptions;

/**
 * mosquitto's {@code log_timestamp} and {@code log_timestamp_format} as a logback date pattern:
 * none, Midge's ISO default, or the strftime format turned into the same fields.
 */
final class LogTimestamp {

    static final String DEFAULT = "%d{yyyy-MM-dd'T'HH:mm:ss.SSS} ";

    private LogTimestamp() {
    }

    /** The pattern's prefix (with its separating blank), or "" for none. */
    static String prefix(LogOptions options) {
        if (!options.timestamp()) {
            return "";
        }
        if (options.timestampFormat() == null) {
            return DEFAULT;
        }
        // Double quotes: logback would otherwise read a comma in the pattern as the time zone separator.
        return "%d{\"" + javaPattern(options.timestampFormat()) + "\"} ";
    }

    /**
     * strftime's common directives as a java.time pattern; conf has already refused the others.
     * Literal text is quoted, so letters in it are not read as fields.
     */
    static String javaPattern(String strftime) {
        StringBuilder out = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < strftime.length(); i++) {
            char c = strftime.charAt(i);
            if (c != '%' || i + 1 == strftime.length()) {
                literal.append(c);
                continue;
            }
            char d = strftime.charAt(++i);
            if (d == '%') {
                literal.append('%');
                continue;
            }
            flush(out, literal);
            out.append(LogOptions.STRFTIME.get(d));
        }
        flush(out, literal);
        return out.toString();
    }

    private static void flush(StringBuilder out, StringBuilder literal) {
        if (literal.length() > 0) {
            // logback's %d{...} would read '}' and ',' (time zone separator) specially; quote all text.
            out.append('\'').append(literal.toString().replace("'", "''")).append('\'');
            literal.setLength(0);
        }
    }
}
