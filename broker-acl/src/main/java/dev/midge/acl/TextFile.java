package dev.midge.acl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The files people write by hand (ACL, password file): read as UTF-8 lines, the same way. */
public final class TextFile {

    private static final String BYTE_ORDER_MARK = "\uFEFF";

    private TextFile() {
    }

    /** The file's lines, or an error that names the file and why it cannot be read. */
    public static List<String> readLines(Path file) throws InvalidFileException {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw InvalidFileException.unreadable(file, e);
        }
    }

    /** The lines without the byte order mark that Windows editors put before the first one. */
    public static List<String> withoutByteOrderMark(List<String> lines) {
        if (lines.isEmpty() || !lines.get(0).startsWith(BYTE_ORDER_MARK)) {
            return lines;
        }
        List<String> copy = new ArrayList<>(lines);
        copy.set(0, copy.get(0).substring(BYTE_ORDER_MARK.length()));
        return copy;
    }
}
