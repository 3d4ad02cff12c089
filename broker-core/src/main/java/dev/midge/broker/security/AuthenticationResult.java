package dev.midge.broker.security;

/**
 * An authenticator's verdict.
 *
 * @param accepted whether the client may connect
 * @param username the username the client will be known by (usually the one it sent)
 * @param reason   for a refusal, the cause in words, for the log line
 */
public record AuthenticationResult(boolean accepted, String username, String reason) {

    public static AuthenticationResult accept(String username) {
        return new AuthenticationResult(true, username, null);
    }

    public static AuthenticationResult refuse(String reason) {
        return new AuthenticationResult(false, null, reason);
    }
}
