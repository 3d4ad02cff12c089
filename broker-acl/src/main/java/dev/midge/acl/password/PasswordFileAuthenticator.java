package dev.midge.acl.password;

import dev.midge.acl.InvalidFileException;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.ConnectRequest;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Checks a CONNECT's username and password against a mosquitto password file, re-read when
 * it changes. Core calls this off the event loop, so the deliberately slow hashing is fine here.
 * Clients without a username are let in only if anonymous access is allowed (mosquitto's
 * {@code allow_anonymous}).
 */
public final class PasswordFileAuthenticator implements Authenticator {

    // Verified against for unknown users, so a refusal takes as long whether or not the user
    // exists and response times do not reveal which usernames are valid.
    private static final PasswordHash DECOY = PasswordHash.parse(
            "$7$101$AAAAAAAAAAAAAAAA$" + "A".repeat(86) + "==");

    private final Supplier<PasswordFile> passwords;
    private final boolean allowAnonymous;

    public PasswordFileAuthenticator(Supplier<PasswordFile> passwords, boolean allowAnonymous) {
        this.passwords = Objects.requireNonNull(passwords);
        this.allowAnonymous = allowAnonymous;
    }

    /**
     * Reads the password file now and re-reads it whenever it changes. A broken file at
     * start-up throws; a broken file later is logged and the previous passwords stay in force.
     */
    public static PasswordFileAuthenticator fromFile(Path file, boolean allowAnonymous, FileWatcher watcher)
            throws InvalidFileException {
        Reloadable<PasswordFile> reloadable = load(file);
        watcher.watch(reloadable);
        return new PasswordFileAuthenticator(reloadable, allowAnonymous);
    }

    /** The reloadable password file, for callers that want to watch it themselves. */
    public static Reloadable<PasswordFile> load(Path file) throws InvalidFileException {
        try {
            return Reloadable.load("password file", List.of(file), () -> PasswordFile.read(file));
        } catch (InvalidFileException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("loading the password file " + file + " failed", e);
        }
    }

    @Override
    public AuthenticationResult authenticate(ConnectRequest request) {
        String username = request.username();
        if (username == null) {
            return allowAnonymous
                    ? AuthenticationResult.accept(null)
                    : AuthenticationResult.refuse("no username and anonymous access is not allowed");
        }
        PasswordHash hash = passwords.get().hashOf(username);
        if (hash == null) {
            DECOY.matches(request.password() == null ? new byte[0] : request.password());
            return AuthenticationResult.refuse("unknown user '" + username + "'");
        }
        if (request.password() == null) {
            return AuthenticationResult.refuse("no password for user '" + username + "'");
        }
        return hash.matches(request.password())
                ? AuthenticationResult.accept(username)
                : AuthenticationResult.refuse("wrong password for user '" + username + "'");
    }
}
