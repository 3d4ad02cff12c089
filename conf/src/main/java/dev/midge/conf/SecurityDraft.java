package dev.midge.conf;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The security options of one scope (global, or one listener with per_listener_settings). */
final class SecurityDraft {

    static final Set<String> NAMES = Set.of("allow_anonymous", "acl_file", "password_file", "psk_file");

    private Boolean allowAnonymous;
    private final Setting<Path> aclFile = new Setting<>();
    private final Setting<Path> passwordFile = new Setting<>();
    private final Setting<Path> pskFile = new Setting<>();

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        switch (line.option()) {
            case "allow_anonymous" -> allowAnonymous = Values.bool(line);
            case "acl_file" -> aclFile.set(line, Values.path(line));
            case "password_file" -> passwordFile.set(line, Values.path(line));
            // Used by listeners with psk_hint (TlsOptions.pskFile); ConfParser warns if none has one.
            case "psk_file" -> pskFile.set(line, Values.path(line));
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    Path pskFile() {
        return pskFile.get();
    }

    ConfigLocation pskFileAt() {
        return pskFile.at();
    }

    SecurityConfig build() {
        return new SecurityConfig(allowAnonymous, aclFile.get(), passwordFile.get());
    }
}
