package dev.midge.conf;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Turns a file into option lines, the way mosquitto reads it: one option per line, the name
 * up to the first blank, the value the rest of the line. Lines starting with '#' are comments.
 * Unlike mosquitto, a comment may be indented and tabs separate like spaces: both are
 * harmless to accept and common in hand-edited files.
 */
final class ConfReader {

    private ConfReader() {
    }

    static List<ConfLine> readFile(Path file) {
        if (Files.isDirectory(file)) {
            throw new ConfigException(file, 0, "is a directory, not a configuration file");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "no such configuration file");
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, "permission denied reading the configuration file");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "cannot read the configuration file: " + e.getMessage());
        }
        return lex(file, bytes);
    }

    static List<ConfLine> readText(String text, Path nominalSource) {
        return lex(nominalSource, text.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConfLine> lex(Path file, byte[] bytes) {
        List<ConfLine> lines = new ArrayList<>();
        int start = 0;
        int lineNo = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            ConfigLocation at = new ConfigLocation(file, lineNo);
            ConfLine line = lexLine(at, decode(at, bytes, start, end));
            if (line != null) {
                lines.add(line);
            }
            start = end + 1;
        }
        return lines;
    }

    private static String decode(ConfigLocation at, byte[] bytes, int from, int to) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, to - from)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException(at, "malformed UTF-8");
        }
    }

    private static ConfLine lexLine(ConfigLocation at, String raw) {
        String text = raw.strip();
        if (text.isEmpty() || text.charAt(0) == '#') {
            return null;
        }
        int blank = 0;
        while (blank < text.length() && !isBlank(text.charAt(blank))) {
            blank++;
        }
        return new ConfLine(at, text.substring(0, blank), text.substring(blank).strip());
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    /**
     * The *.conf files of an include_dir in mosquitto's order: alphabetical ignoring case,
     * and where two names differ only in case, upper case first (A.conf before a.conf).
     */
    static List<Path> includedFiles(ConfLine line, Path dir) {
        if (!Files.isDirectory(dir) || !Files.isReadable(dir)) {
            throw line.error("include_dir '" + dir + "' is not a readable directory");
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir, "*.conf")) {
            entries.forEach(files::add);
        } catch (IOException e) {
            throw line.error("cannot list include_dir '" + dir + "': " + e.getMessage());
        }
        String[] names = files.stream().map(p -> p.getFileName().toString()).toArray(String[]::new);
        Arrays.sort(names, MOSQUITTO_ORDER);
        return Arrays.stream(names).map(dir::resolve).toList();
    }

    static final Comparator<String> MOSQUITTO_ORDER = (a, b) -> {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            int byLetter = Character.toUpperCase(x) - Character.toUpperCase(y);
            if (byLetter != 0) {
                return byLetter;
            }
            if (x != y) {
                return x - y;
            }
        }
        return a.length() - b.length();
    };
}
