package dev.midge.broker.engine;

import dev.midge.broker.session.Delivery;
import dev.midge.broker.session.SessionJournal;

/** A session journaled both to the disk and to the cluster (persistence on a cluster node). */
record BothJournals(SessionJournal first, SessionJournal second) implements SessionJournal {

    @Override
    public void owed(String clientId, long sequence, int packetId, boolean released, Delivery delivery) {
        first.owed(clientId, sequence, packetId, released, delivery);
        second.owed(clientId, sequence, packetId, released, delivery);
    }

    @Override
    public void settled(String clientId, long sequence) {
        first.settled(clientId, sequence);
        second.settled(clientId, sequence);
    }

    @Override
    public void qos2Received(String clientId, int packetId) {
        first.qos2Received(clientId, packetId);
        second.qos2Received(clientId, packetId);
    }

    @Override
    public void qos2Released(String clientId, int packetId) {
        first.qos2Released(clientId, packetId);
        second.qos2Released(clientId, packetId);
    }
}
