package dev.midge.broker.persist;

import dev.midge.broker.session.Delivery;
import dev.midge.broker.subscription.Subscription;

import java.util.Collection;
import java.util.List;

/**
 * The store's record format, lent to the cluster's copy of persistent sessions: one format for
 * a session on disk and on another node, so neither can drift from the other.
 */
public final class ReplicaForm {

    /** What a session is apart from the messages it owes. */
    public record State(long expiryInterval, String username, List<Subscription> subscriptions) {
    }

    /** A message owed: in flight under packetId (0: queued), released after PUBREC. */
    public record Owed(int packetId, boolean released, Delivery delivery) {
    }

    private ReplicaForm() {
    }

    public static byte[] state(long expiryInterval, String username, Collection<Subscription> subscriptions) {
        return StoredForm.session(new StoredForm.SessionState(expiryInterval, 0, username, List.copyOf(subscriptions)));
    }

    public static State state(String clientId, byte[] bytes) {
        StoredForm.SessionState s = StoredForm.session(clientId, bytes);
        return new State(s.expiryInterval(), s.username(), s.subscriptions());
    }

    public static byte[] owed(int packetId, boolean released, Delivery d) {
        return StoredForm.owed(packetId, released, d);
    }

    public static Owed owed(byte[] bytes) {
        StoredForm.Owed o = StoredForm.owed(bytes);
        return new Owed(o.packetId(), o.released(), o.delivery());
    }
}
