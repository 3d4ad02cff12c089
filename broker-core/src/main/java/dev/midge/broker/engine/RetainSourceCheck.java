package dev.midge.broker.engine;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedSource;
import dev.midge.broker.security.Authorizer;
import dev.midge.broker.session.PluginAuthorizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * mosquitto's {@code check_retain_source} (default true): before a retained message goes to a new
 * subscriber, its publisher must still be allowed to publish to the topic under the rules as they
 * are now (the ACL reloaded since, a plugin), asked of the authoriser of the listener it came in on.
 * If not, the message is not sent; it stays retained, as in mosquitto (retain__process), and goes out
 * again should the publisher regain the right. Messages of the broker or the application have no
 * source and are not checked.
 */
final class RetainSourceCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RetainSourceCheck.class);

    private final BrokerOptions options;

    RetainSourceCheck(BrokerOptions options) {
        this.options = options;
    }

    boolean mayStillPublish(Message message, RetainedSource source) {
        if (source == null || !options.access().checkRetainSource()) {
            return true;
        }
        boolean allowed = PluginAuthorizer.of(authorizerOf(source.listenerPort()), options.access().plugins())
                .canPublish(source.identity(), message.topic());
        if (!allowed) {
            LOG.debug("Retained message on '{}' not sent: its publisher {} (username {}) may no longer publish there "
                    + "(check_retain_source).", LogSafe.text(message.topic()), LogSafe.text(source.clientId()),
                    LogSafe.text(source.username()));
        }
        return allowed;
    }

    /** The listener's own authoriser (per_listener_settings), else the broker's. */
    private Authorizer authorizerOf(int listenerPort) {
        for (ListenerOptions listener : options.listeners()) {
            if (listener.port() == listenerPort && listener.authorizer() != null) {
                return listener.authorizer();
            }
        }
        return options.authorizer();
    }
}
