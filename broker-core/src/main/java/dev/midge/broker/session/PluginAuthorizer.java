package dev.midge.broker.session;

import dev.midge.broker.security.AuthPlugin;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;

import java.util.List;

/** The listener's authoriser (the ACL) and every {@link AuthPlugin}: a client may do what all of them allow. */
public final class PluginAuthorizer implements Authorizer {

    private final Authorizer authorizer;
    private final List<AuthPlugin> plugins;

    private PluginAuthorizer(Authorizer authorizer, List<AuthPlugin> plugins) {
        this.authorizer = authorizer;
        this.plugins = plugins;
    }

    /** The authoriser itself when there is no plugin, so the common case costs nothing. */
    public static Authorizer of(Authorizer authorizer, List<AuthPlugin> plugins) {
        return plugins.isEmpty() ? authorizer : new PluginAuthorizer(authorizer, List.copyOf(plugins));
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
        if (!authorizer.canPublish(client, topic)) {
            return false;
        }
        for (AuthPlugin plugin : plugins) {
            if (!plugin.canPublish(client, topic)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
        if (!authorizer.canSubscribe(client, topicFilter)) {
            return false;
        }
        for (AuthPlugin plugin : plugins) {
            if (!plugin.canSubscribe(client, topicFilter)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public boolean canReceive(ClientIdentity client, String topic) {
        if (!authorizer.canReceive(client, topic)) {
            return false;
        }
        for (AuthPlugin plugin : plugins) {
            if (!plugin.canReceive(client, topic)) {
                return false;
            }
        }
        return true;
    }
}
