package dev.midge.broker.counters;

import dev.midge.broker.security.Authorizer;
import dev.midge.broker.security.ClientIdentity;

/** Counts the authoriser's refusals (publish, subscribe, delivery) for {@code $SYS/broker/midge/acl/denials}. */
final class CountingAuthorizer implements Authorizer {

    private final Authorizer delegate;
    private final BrokerCounters counters;

    CountingAuthorizer(Authorizer delegate, BrokerCounters counters) {
        this.delegate = delegate;
        this.counters = counters;
    }

    @Override
    public boolean canPublish(ClientIdentity client, String topic) {
        return counted(delegate.canPublish(client, topic));
    }

    @Override
    public boolean canSubscribe(ClientIdentity client, String topicFilter) {
        return counted(delegate.canSubscribe(client, topicFilter));
    }

    @Override
    public boolean canReceive(ClientIdentity client, String topic) {
        return counted(delegate.canReceive(client, topic));
    }

    private boolean counted(boolean allowed) {
        if (!allowed) {
            counters.aclDenied();
        }
        return allowed;
    }
}
