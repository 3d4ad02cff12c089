package dev.midge.broker.engine;

import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.Session;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The deliveries one read of one publisher decided, per subscriber session, handed over at the
 * end of the read: one acquisition of each subscriber's lock and one hand-off to its connection
 * for the read's messages, not one per message. At fan-in every publisher's event loop offers
 * to the same subscriber session, so per message that was a contended lock, a contended queue
 * and a contended flag. Each session gets its messages in the order they were read. One per
 * connection, its event loop only; used only without persistence, where a PUBACK waits for
 * nothing (with it, the acknowledgement's barrier must see the delivery recorded first).
 */
public final class DeliveryBatch {

    private final Map<Session, List<Delivery>> bySession = new IdentityHashMap<>();
    /** The sessions in the order they were first offered to in this read. */
    private final List<Session> order = new ArrayList<>();
    /** Emptied lists kept for the next read, so a read allocates no list. */
    private final List<List<Delivery>> spare = new ArrayList<>();

    void add(Session session, Delivery d) {
        List<Delivery> list = bySession.get(session);
        if (list == null) {
            list = spare.isEmpty() ? new ArrayList<>() : spare.remove(spare.size() - 1);
            bySession.put(session, list);
            order.add(session);
        }
        list.add(d);
    }

    public boolean isEmpty() {
        return order.isEmpty();
    }

    /**
     * Offers what was gathered (each session checks its owner's rights as for any offer) and
     * starts the writes. Returns the subscribers that fell behind with this read and ask its
     * publisher to stop being read (flow control, as {@link PublishRouter#route} returns them
     * for one message): the router looked at them before this read's messages reached them.
     * Empty when none, or when they are too few of the read's recipients to hold it back.
     */
    public List<Session> offer() {
        if (order.isEmpty()) {
            return List.of();
        }
        List<Session> behind = null;
        for (Session s : order) {
            List<Delivery> list = bySession.get(s);
            s.offerAll(list).send();
            list.clear();
            spare.add(list);
            if (s.asksPublishersToWait()) {
                if (behind == null) {
                    behind = new ArrayList<>(2);
                }
                behind.add(s);
            }
        }
        int recipients = order.size();
        order.clear();
        bySession.clear();
        return behind != null && behind.size() * PublishRouter.FEW >= recipients ? behind : List.of();
    }
}
