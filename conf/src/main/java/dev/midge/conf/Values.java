package dev.midge.conf;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Reads an option's value, mosquitto's way but strict: a single-word value (number, boolean,
 * keyword) may be followed only by a '#' comment, and numbers must be numbers (mosquitto's
 * atoi would read "abc" as 0). Every error names the option and says what is allowed.
 */
final class Values {

    private Values() {
    }

    /** The whole rest of the line (paths and names may contain blanks, as in mosquitto). */
    static String text(ConfLine line) {
        return line.value();
    }

    /**
     * A file or directory as written. Relative paths stay relative: like mosquitto, Midge opens
     * them from the working directory of the process.
     */
    static Path path(ConfLine line) {
        try {
            return Path.of(line.value());
        } catch (InvalidPathException e) {
            throw line.error("'" + line.value() + "' is not a valid path for " + line.option());
        }
    }

    /** The first word of the value; anything after it must be a '#' comment. */
    static String word(ConfLine line) {
        String[] words = words(line);
        if (words.length > 1 && !words[1].startsWith("#")) {
            throw line.error("unexpected '" + words[1] + "' after the value of " + line.option());
        }
        return words[0];
    }

    /** The value split on blanks. */
    static String[] words(ConfLine line) {
        return line.value().split("[ \t]+");
    }

    /** true/false, and mosquitto's 1/0 spelling of them. */
    static boolean bool(ConfLine line) {
        String word = word(line);
        return switch (word) {
            case "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw line.error("'" + word + "' is not a valid value for " + line.option()
                    + "; use true or false");
        };
    }

    static int integer(ConfLine line, long min, long max) {
        return (int) longInteger(line, min, max);
    }

    static long longInteger(ConfLine line, long min, long max) {
        String word = word(line);
        long value;
        try {
            value = Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw line.error(line.option() + " must be a whole number, not '" + word + "'");
        }
        if (value < min || value > max) {
            throw line.error(line.option() + " must be " + range(min, max) + ", not " + value);
        }
        return value;
    }

    private static String range(long min, long max) {
        if (min == Integer.MIN_VALUE || min == Long.MIN_VALUE) {
            return "at most " + max;
        }
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "at least " + min;
        }
        return "between " + min + " and " + max;
    }

    /** One of the given lower-case keywords, returned as the matching enum constant. */
    static <E extends Enum<E>> E keyword(ConfLine line, Class<E> type) {
        String word = word(line);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().toLowerCase(Locale.ROOT).equals(word)) {
                return constant;
            }
        }
        throw line.error("'" + word + "' is not a valid value for " + line.option() + "; use "
                + choices(type));
    }

    static <E extends Enum<E>> String choices(Class<E> type) {
        StringBuilder out = new StringBuilder();
        E[] constants = type.getEnumConstants();
        for (int i = 0; i < constants.length; i++) {
            if (i > 0) {
                out.append(i == constants.length - 1 ? " or " : ", ");
            }
            out.append(constants[i].name().toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
