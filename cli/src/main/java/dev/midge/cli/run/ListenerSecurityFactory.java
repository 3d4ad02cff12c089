package dev.midge.cli.run;

import dev.midge.acl.AclAuthorizer;
import dev.midge.acl.InvalidFileException;
import dev.midge.acl.password.PasswordFileAuthenticator;
import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.Authorizer;
import dev.midge.conf.SecurityConfig;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns a listener's security options into the authenticator and authoriser core calls, with
 * mosquitto 2.0's rules: anonymous means "no username"; {@code allow_anonymous} defaults to
 * false (true in local-only mode); no acl_file means everything is allowed. A file named by
 * several listeners is read and watched once.
 */
final class ListenerSecurityFactory {

    private final FileWatcher watcher;
    private final boolean localOnly;
    private final Map<Path, AclAuthorizer> acls = new HashMap<>();
    private final Map<String, PasswordFileAuthenticator> passwords = new HashMap<>();

    ListenerSecurityFactory(FileWatcher watcher, boolean localOnly) {
        this.watcher = watcher;
        this.localOnly = localOnly;
    }

    Authenticator authenticator(SecurityConfig security) throws StartupException {
        boolean allowAnonymous = security.allowAnonymousOr(localOnly);
        Path passwordFile = security.passwordFile();
        if (passwordFile == null) {
            return allowAnonymous ? Authenticator.allowAnonymous() : Authenticator.denyAnonymous();
        }
        String key = passwordFile.toAbsolutePath() + "|" + allowAnonymous;
        PasswordFileAuthenticator existing = passwords.get(key);
        if (existing != null) {
            return existing;
        }
        try {
            PasswordFileAuthenticator created = PasswordFileAuthenticator.fromFile(passwordFile, allowAnonymous, watcher);
            passwords.put(key, created);
            return created;
        } catch (InvalidFileException e) {
            throw new StartupException(e.getMessage(), 3);
        }
    }

    Authorizer authorizer(SecurityConfig security) throws StartupException {
        Path aclFile = security.aclFile();
        if (aclFile == null) {
            return Authorizer.allowAll();
        }
        Path key = aclFile.toAbsolutePath();
        AclAuthorizer existing = acls.get(key);
        if (existing != null) {
            return existing;
        }
        try {
            AclAuthorizer created = AclAuthorizer.fromFile(aclFile, watcher);
            acls.put(key, created);
            return created;
        } catch (InvalidFileException e) {
            throw new StartupException(e.getMessage(), 3);
        }
    }
}
