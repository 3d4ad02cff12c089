package dev.midge.acl;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads mosquitto's {@code acl_file} grammar into {@link AclRules}:
 * <pre>
 * # comment
 * topic [read|write|readwrite|deny] FILTER     (before any user line: clients without a username)
 * user NAME                                    (the rest of the line, spaces included)
 * topic [read|write|readwrite|deny] FILTER     (this user's rules)
 * pattern [read|write|readwrite|deny] FILTER   (everyone; %u = username, %c = client id)
 * </pre>
 * The access word is optional (readwrite) unless the filter contains a space, as in mosquitto:
 * {@code topic read a b} is read access to "a b"; {@code topic a b} is an error.
 * Any mistake stops the parse with {@code FILE:LINE: what is wrong}.
 */
public final class AclFile {

    private AclFile() {
    }

    public static AclRules read(Path file) throws InvalidFileException {
        return parse(file.toString(), TextFile.readLines(file));
    }

    /** Parses lines already read; {@code name} is what error messages call the file. */
    public static AclRules parse(String name, List<String> lines) throws InvalidFileException {
        lines = TextFile.withoutByteOrderMark(lines);
        AclRules.Builder rules = AclRules.builder();
        String user = null;
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String keyword = firstWord(line);
            String rest = line.substring(keyword.length()).strip();
            switch (keyword) {
                case "user" -> {
                    if (rest.isEmpty()) {
                        throw InvalidFileException.atLine(name, lineNumber, "'user' needs a username");
                    }
                    user = rest;
                }
                case "topic", "pattern" -> {
                    boolean pattern = keyword.equals("pattern");
                    if (rest.isEmpty()) {
                        throw InvalidFileException.atLine(name, lineNumber, "'" + keyword + "' needs a topic filter");
                    }
                    Access access = Access.READWRITE;
                    String filter = rest;
                    String first = firstWord(rest);
                    if (first.length() < rest.length()) {
                        access = Access.byWord(first);
                        if (access == null) {
                            throw InvalidFileException.atLine(name, lineNumber, "unknown access '" + first
                                    + "' (expected read, write, readwrite or deny; a topic with spaces needs one)");
                        }
                        filter = rest.substring(first.length()).strip();
                    }
                    String problem = AclRules.Builder.filterProblem(filter, pattern);
                    if (problem != null) {
                        throw InvalidFileException.atLine(name, lineNumber, problem);
                    }
                    if (pattern) {
                        rules.pattern(access, filter);
                    } else {
                        rules.topic(user, access, filter);
                    }
                }
                default -> throw InvalidFileException.atLine(name, lineNumber,
                        "unknown keyword '" + keyword + "' (expected user, topic or pattern)");
            }
        }
        return rules.build();
    }

    private static String firstWord(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return s.substring(0, i);
            }
        }
        return s;
    }
}
