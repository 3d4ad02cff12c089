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
 * @param allowZeroLengthClientId {@code allow_zero_length_clientid} (default true)
 * @param autoIdPrefix   {@code auto_id_prefix}: how assigned client ids start (default {@code auto-})
 */
public record SecurityConfig(Boolean allowAnonymous, Path aclFile, Path passwordFile,
                             boolean allowZeroLengthClientId, String autoIdPrefix) {

    /** mosquitto's default {@code auto_id_prefix}. */
    public static final String DEFAULT_AUTO_ID_PREFIX = "auto-";

    public static final SecurityConfig NONE = new SecurityConfig(null, null, null);

    /** With mosquitto's defaults for client id assignment. */
    public SecurityConfig(Boolean allowAnonymous, Path aclFile, Path passwordFile) {
        this(allowAnonymous, aclFile, passwordFile, true, DEFAULT_AUTO_ID_PREFIX);
    }

    public Optional<Boolean> allowAnonymousIfSet() {
        return Optional.ofNullable(allowAnonymous);
    }

    public boolean allowAnonymousOr(boolean defaultValue) {
        return allowAnonymous != null ? allowAnonymous : defaultValue;
    }
}
