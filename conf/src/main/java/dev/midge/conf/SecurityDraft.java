package dev.midge.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The security options of one scope (global, or one listener with per_listener_settings). */
final class SecurityDraft {

    static final Set<String> NAMES = Set.of("allow_anonymous", "acl_file", "password_file", "psk_file",
            "allow_zero_length_clientid", "auto_id_prefix");

    private Boolean allowAnonymous;
    private final Setting<Path> aclFile = new Setting<>();
    private final Setting<Path> passwordFile = new Setting<>();
    private final Setting<Path> pskFile = new Setting<>();
    private boolean allowZeroLengthClientId = true;
    private String autoIdPrefix = SecurityConfig.DEFAULT_AUTO_ID_PREFIX;

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        switch (line.option()) {
            case "allow_anonymous" -> allowAnonymous = Values.bool(line);
            case "acl_file" -> aclFile.set(line, Values.path(line));
            case "password_file" -> passwordFile.set(line, Values.path(line));
            // Used by listeners with psk_hint (TlsOptions.pskFile); ConfParser warns if none has one.
            case "psk_file" -> pskFile.set(line, Values.path(line));
            case "allow_zero_length_clientid" -> allowZeroLengthClientId = Values.bool(line);
            case "auto_id_prefix" -> autoIdPrefix = autoIdPrefix(line);
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    /** Assigned ids are client ids: the broker refuses ids with control characters, so a prefix with one is an error. */
    private static String autoIdPrefix(ConfLine line) {
        String prefix = Values.text(line);
        if (prefix.chars().anyMatch(Character::isISOControl)) {
            throw line.error("auto_id_prefix contains a control character");
        }
        return prefix;
    }

    Path pskFile() {
        return pskFile.get();
    }

    ConfigLocation pskFileAt() {
        return pskFile.at();
    }

    SecurityConfig build() {
        return new SecurityConfig(allowAnonymous, aclFile.get(), passwordFile.get(), allowZeroLengthClientId,
                autoIdPrefix);
    }
}
