package dev.midge.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * mosquitto's psk_file: one {@code identity:hexkey} line per client, {@code #} comments and blank
 * lines skipped, the identity ending at the first colon (as mosquitto splits it). The keys are
 * checked here, at load time, so a bad line names its place instead of failing a handshake later.
 */
public final class PskFile {

    /** OpenSSL's PSK_MAX_PSK_LEN: mosquitto cannot use a longer key either. */
    static final int MAX_KEY_BYTES = 256;

    private final Map<String, byte[]> keys;

    private PskFile(Map<String, byte[]> keys) {
        this.keys = keys;
    }

    public static PskFile load(Path file) throws TlsFileException {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new TlsFileException(file, "cannot read the psk_file: " + e.getMessage());
        }
        Map<String, byte[]> keys = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw at(file, i, "expected identity:hexkey");
            }
            String identity = line.substring(0, colon);
            String hex = line.substring(colon + 1);
            if (hex.isEmpty() || hex.length() % 2 != 0 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw at(file, i, "the key of identity '" + PeerText.forLog(identity)
                        + "' is not an even number of hex digits");
            }
            if (hex.length() / 2 > MAX_KEY_BYTES) {
                throw at(file, i, "the key of identity '" + PeerText.forLog(identity) + "' is longer than "
                        + MAX_KEY_BYTES + " bytes");
            }
            if (keys.putIfAbsent(identity, HexFormat.of().parseHex(hex)) != null) {
                throw at(file, i, "duplicate identity '" + PeerText.forLog(identity) + "'");
            }
        }
        return new PskFile(keys);
    }

    private static TlsFileException at(Path file, int index, String reason) {
        return new TlsFileException(Path.of(file + ":" + (index + 1)), reason);
    }

    /** The key for an identity, or null if the file has none. */
    public byte[] key(String identity) {
        byte[] key = keys.get(identity);
        return key == null ? null : key.clone();
    }

    public int size() {
        return keys.size();
    }
}
