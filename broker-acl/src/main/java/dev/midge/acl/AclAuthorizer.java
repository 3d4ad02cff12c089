package dev.midge.acl;

import dev.midge.broker.reload.FileWatcher;
import dev.midge.broker.reload.Reloadable;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Enforces an ACL at publish, subscribe and delivery. Reads the current rules on every call,
 * so a reloaded file applies to every client's next message, existing subscriptions included.
 */
public final class AclAuthorizer implements Authorizer {

    private final Supplier<AclRules> rules;

    /** @param rules the rules in force; called on event loops, so it must only read memory */
    public AclAuthorizer(Supplier<AclRules> rules) {
        this.rules = Objects.requireNonNull(rules);
    }

    public static AclAuthorizer of(AclRules rules) {
        Objects.requireNonNull(rules);
        return new AclAuthorizer(() -> rules);
    }

    /**
     * Reads the ACL file now and re-reads it whenever it changes. A broken file at start-up
     * throws; a broken file later is logged as {@code FILE:LINE: what is wrong} and the
     * previous rules stay in force.
     */
    public static AclAuthorizer fromFile(Path file, FileWatcher watcher) throws InvalidFileException {
        Reloadable<AclRules> reloadable = load(file);
        watcher.watch(reloadable);
        return new AclAuthorizer(reloadable);
    }

    /** The reloadable ACL file, for callers that want to watch it themselves. */
    public static Reloadable<AclRules> load(Path file) throws InvalidFileException {
        try {
            return Reloadable.load("ACL", List.of(file), () -> AclFile.read(file));
        } catch (InvalidFileException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("loading the ACL " + file + " failed", e);
        }
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
        return rules.get().canPublish(client.username(), client.clientId(), topic);
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
        return rules.get().canSubscribe(client.username(), client.clientId(), topicFilter);
    }

    @Override
    public boolean canReceive(ClientIdentity client, String topic) {
        return rules.get().canReceive(client.username(), client.clientId(), topic);
    }
}
