package dev.midge.acl.password;

import dev.midge.acl.InvalidFileException;
import dev.midge.acl.TextFile;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A mosquitto {@code password_file}: {@code USERNAME:HASH} per line, as mosquitto_passwd
 * writes it. Lines starting with '#' and blank lines are skipped. Unlike mosquitto, which drops
 * a bad entry and carries on, any bad line makes the whole file invalid: a half-read password
 * file would lock people out without saying why.
 */
public final class PasswordFile {

    private final Map<String, PasswordHash> hashes;

    private PasswordFile(Map<String, PasswordHash> hashes) {
        this.hashes = Map.copyOf(hashes);
    }

    public static PasswordFile read(Path file) throws InvalidFileException {
        return parse(file.toString(), TextFile.readLines(file));
    }

    /** Parses lines already read; {@code name} is what error messages call the file. */
    public static PasswordFile parse(String name, List<String> lines) throws InvalidFileException {
        lines = TextFile.withoutByteOrderMark(lines);
        Map<String, PasswordHash> hashes = new HashMap<>();
        Map<String, Integer> firstSeen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            line = line.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw InvalidFileException.atLine(name, lineNumber, "expected USERNAME:HASH");
            }
            String username = line.substring(0, colon).strip();
            String hash = line.substring(colon + 1).strip();
            if (username.isEmpty()) {
                throw InvalidFileException.atLine(name, lineNumber, "the username is empty");
            }
            Integer earlier = firstSeen.putIfAbsent(username, lineNumber);
            if (earlier != null) {
                throw InvalidFileException.atLine(name, lineNumber,
                        "user '" + username + "' is already defined on line " + earlier);
            }
            try {
                hashes.put(username, PasswordHash.parse(hash));
            } catch (IllegalArgumentException e) {
                throw InvalidFileException.atLine(name, lineNumber,
                        "user '" + username + "' has an invalid password hash: " + e.getMessage());
            }
        }
        return new PasswordFile(hashes);
    }

    /** The hash for this user, or null if the file does not list them. */
    public PasswordHash hashOf(String username) {
        return hashes.get(username);
    }

    public int size() {
        return hashes.size();
    }
}
