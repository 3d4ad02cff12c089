package dev.midge.conf;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Who may connect and what they may do, as the mosquitto.conf options say. With
 * {@code per_listener_settings false} (the default) every listener carries the same, global
 * value; with {@code true} each listener carries its own.
 *
 * @param allowAnonymous null when the file does not say; the caller applies mosquitto 2.0's
 *                       default (false, or true in local-only mode), see {@link #allowAnonymousOr}
 * @param aclFile        {@code acl_file}, or null
 * @param passwordFile   {@code password_file}, or null
 */
public record SecurityConfig(Boolean allowAnonymous, Path aclFile, Path passwordFile) {

    public static final SecurityConfig NONE = new SecurityConfig(null, null, null);

    public Optional<Boolean> allowAnonymousIfSet() {
        return Optional.ofNullable(allowAnonymous);
    }

    public boolean allowAnonymousOr(boolean defaultValue) {
        return allowAnonymous != null ? allowAnonymous : defaultValue;
    }
}
