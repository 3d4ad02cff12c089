package dev.midge.broker.engine;

import dev.midge.broker.message.Message;
import dev.midge.broker.persist.DurableState;
import dev.midge.broker.security.ClientIdentity;
import dev.midge.broker.session.Permissions;
import dev.midge.broker.session.PluginAuthorizer;
import dev.midge.broker.session.Session;
import dev.midge.broker.subscription.Subscription;
import dev.midge.broker.subscription.SubscriptionTrie;
import dev.midge.broker.subscription.TopicFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts what the store held back into a new engine at start-up: retained messages, and the
 * persistent sessions with their subscriptions and the messages they owe (in flight ones are
 * redelivered with DUP on reconnect, queued ones follow in order). Sessions whose expiry ran
 * out while the broker was down are dropped, from memory and store; so are expired messages.
 */
final class StateRestorer {

    private static final Logger LOG = LoggerFactory.getLogger(StateRestorer.class);

    private final MqttEngine engine;
    private final DurableState durable;
    private final SubscriptionTrie trie;

    StateRestorer(MqttEngine engine, DurableState durable, SubscriptionTrie trie) {
        this.engine = engine;
        this.durable = durable;
        this.trie = trie;
    }

    void restore(DurableState.Snapshot snapshot) {
        int retained = 0;
        for (Message m : snapshot.retained()) {
            if (tooDeep("the retained message", m.topic())) {
                continue;
            }
            engine.retained().restore(m, snapshot.retainedSources().get(m.topic()));
            retained++;
        }
        long nowMillis = engine.options().restoreClock().millis();
        // Messages carry nanoTime deadlines (converted from the stored wall time with the system
        // clock); shifting "now" by the restore clock's lead keeps both expiries on one clock.
        long nowNanos = System.nanoTime() + (nowMillis - System.currentTimeMillis()) * 1_000_000L;
        int restored = 0;
        int owed = 0;
        for (DurableState.RestoredSession s : snapshot.sessions()) {
            // A session that was connected at the crash starts its expiry now.
            long since = s.disconnectedAtMillis() == 0 ? nowMillis : s.disconnectedAtMillis();
            // persistent_client_expiration also ends sessions stored before it was set.
            long expiryInterval = engine.options().sessionExpiry(s.expiryInterval());
            long leftSeconds = expiryInterval - Math.max(0, (nowMillis - since) / 1000);
            if (expiryInterval != Session.NEVER_EXPIRES && leftSeconds <= 0) {
                durable.sessionEnded(s.clientId());
                continue;
            }
            Session session = engine.newSession(s.clientId());
            session.expiryInterval(expiryInterval);
            // Offline, delivery is decided as for a client of the broker-wide authoriser.
            session.claim(new Permissions(new ClientIdentity(s.clientId(), s.username(), null, 0, null),
                    PluginAuthorizer.of(engine.options().authorizer(), engine.options().access().plugins())));
            for (Subscription sub : s.subscriptions()) {
                if (tooDeep("the subscription of client " + s.clientId(), sub.filter().filter())) {
                    continue;
                }
                trie.subscribe(sub);
                session.addSubscription(sub);
            }
            for (DurableState.OwedMessage m : s.owed()) {
                if (m.delivery().message().isExpired(nowNanos)) {
                    durable.settled(s.clientId(), m.sequence());
                } else {
                    session.restore(m.sequence(), m.packetId(), m.released(), m.delivery());
                    owed++;
                }
            }
            s.inboundQos2().forEach(session::restoreInboundQos2);
            session.journal(durable);
            if (s.disconnectedAtMillis() == 0) {
                durable.sessionChanged(session, since);
            }
            engine.sessions().put(session);
            if (expiryInterval != Session.NEVER_EXPIRES) {
                engine.scheduleExpiry(session, leftSeconds);
            }
            restored++;
        }
        LOG.info("Persistent store {}: restored {} retained messages and {} sessions owing {} messages.",
                durable.file(), retained, restored, owed);
    }

    /**
     * A store written by a version without the topic level limit may hold deeper topics; they
     * are left out (and left in the store, should the limit be raised) rather than refused.
     */
    private boolean tooDeep(String what, String topic) {
        if (!Limits.tooManyTopicLevels(engine.options(), topic)) {
            return false;
        }
        LOG.warn("Persistent store {}: skipped {} on a topic of {} levels, over the limit of {}.", durable.file(),
                what, TopicFilter.levelCount(topic), engine.options().maxTopicLevels());
        return true;
    }
}
