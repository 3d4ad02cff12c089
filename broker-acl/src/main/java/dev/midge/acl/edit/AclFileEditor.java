package dev.midge.acl.edit;

import dev.midge.acl.AclFile;
import dev.midge.acl.InvalidFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits a device's block in a mosquitto ACL file ({@code user ID} followed by its {@code topic}
 * lines) and leaves every other line as the user wrote it. Writes are atomic, so the running
 * broker, which watches the file, reads the old or the new ACL and never half of one; a lock
 * file keeps two admin commands from losing each other's edits. The edited ACL is parsed the
 * way the broker will read it before it is written: an edit that would make the file unusable
 * (and so leave the broker on its last good ACL, silently out of step) is refused instead.
 */
public final class AclFileEditor {

    private final Path file;

    public AclFileEditor(Path file) {
        this.file = file;
    }

    /** Adds the lines the user's block lacks; creates the block at the end if there is none. */
    public void addEntries(String user, List<AclEntry> entries) throws IOException {
        LockedAclFile.withLock(file, () -> {
            List<String> lines = read();
            int start = userLine(lines, user);
            if (start < 0) {
                if (!lines.isEmpty() && !lines.get(lines.size() - 1).isBlank()) {
                    lines.add("");
                }
                lines.add("user " + user);
                entries.forEach(e -> lines.add(e.line()));
            } else {
                int end = blockEnd(lines, start);
                List<String> block = lines.subList(start, end).stream().map(String::strip).toList();
                int insertAt = lastTopicLine(lines, start, end) + 1;
                for (AclEntry e : entries) {
                    if (!block.contains(e.line())) {
                        lines.add(insertAt++, e.line());
                    }
                }
            }
            write(lines);
            return null;
        });
    }

    /** Removes the user's block (its user line and topic lines); false if there was none. */
    public boolean removeUser(String user) throws IOException {
        return LockedAclFile.withLock(file, () -> {
            List<String> lines = read();
            int start = userLine(lines, user);
            if (start < 0) {
                return false;
            }
            int end = blockEnd(lines, start);
            List<String> kept = new ArrayList<>(lines.subList(0, start));
            for (String line : lines.subList(start + 1, end)) {
                // pattern lines apply to every user wherever they stand (mosquitto): keep them.
                if (!line.strip().startsWith("topic ") && !line.strip().equals("topic")) {
                    kept.add(line);
                }
            }
            kept.addAll(lines.subList(end, lines.size()));
            while (kept.size() > 1 && kept.get(kept.size() - 1).isBlank() && kept.get(kept.size() - 2).isBlank()) {
                kept.remove(kept.size() - 1);
            }
            write(kept);
            return true;
        });
    }

    public boolean hasUser(String user) throws IOException {
        return userLine(read(), user) >= 0;
    }

    private List<String> read() throws IOException {
        if (!Files.exists(file)) {
            throw new AclEditException(file + ": no such ACL file");
        }
        return new ArrayList<>(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private void write(List<String> lines) throws IOException {
        try {
            AclFile.parse(file.toString(), lines);
        } catch (InvalidFileException e) {
            throw new AclEditException("the edit was not written, the ACL would not be readable: " + e.getMessage());
        }
        LockedAclFile.replace(file, String.join("\n", lines) + "\n");
    }

    private static int userLine(List<String> lines, String user) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("user " + user)) {
                return i;
            }
        }
        return -1;
    }

    /** A block runs until the next user line (mosquitto's rule) or the end of the file. */
    private static int blockEnd(List<String> lines, int start) {
        for (int i = start + 1; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith("user ")) {
                return i;
            }
        }
        return lines.size();
    }

    private static int lastTopicLine(List<String> lines, int start, int end) {
        int last = start;
        for (int i = start + 1; i < end; i++) {
            if (lines.get(i).strip().startsWith("topic ")) {
                last = i;
            }
        }
        return last;
    }
}
