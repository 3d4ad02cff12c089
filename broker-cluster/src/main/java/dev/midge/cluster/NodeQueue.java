package dev.midge.cluster;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages waiting to be sent to one other node, bounded by high- and low-water marks
 * instead of by loss: above the high-water mark (messages or bytes) the publishers that feed it
 * are paused ({@link #pauseWhileOverHigh}) and read again once the sender has taken it down to
 * the low-water mark (half). QoS 1/2 messages are always queued (a paused publisher adds at most
 * what it had already sent); a QoS 0 message is dropped only above the hard cap (twice the
 * high-water mark), as mosquitto drops QoS 0 beyond {@code max_queued_messages}.
 *
 * @param <T> what is queued (the encoded message and its delivery bookkeeping)
 */
final class NodeQueue<T> {

    /** The high-water mark; the low-water mark is half of it, the QoS 0 hard cap twice. */
    record Bound(long messages, long bytes) {
    }

    enum Offer { QUEUED, OVER_HIGH, DROPPED }

    private record Item<T>(T value, int bytes) {
    }

    private final Bound high;
    private final ArrayDeque<Item<T>> items = new ArrayDeque<>();
    private final List<Runnable> resumes = new ArrayList<>();
    private long bytes;
    private boolean overHigh;
    private boolean closed;
    private long peakMessages;
    private long peakBytes;
    private long dropped;

    NodeQueue(Bound high) {
        this.high = high;
    }

    /** Queues an item unless it is a QoS 0 one ({@code droppable}) and the queue is over its hard cap. */
    synchronized Offer offer(T value, int size, boolean droppable) {
        if (closed || droppable && (items.size() >= 2 * high.messages() || bytes + size > 2 * high.bytes())) {
            dropped++;
            return Offer.DROPPED;
        }
        items.add(new Item<>(value, size));
        bytes += size;
        peakMessages = Math.max(peakMessages, items.size());
        peakBytes = Math.max(peakBytes, bytes);
        if (!overHigh && (items.size() > high.messages() || bytes > high.bytes())) {
            overHigh = true;
        }
        if (items.size() == 1) {
            notifyAll();
        }
        return overHigh ? Offer.OVER_HIGH : Offer.QUEUED;
    }

    /**
     * True while over the high-water mark: then {@code resume} runs once, on the sender's thread,
     * when the queue is down to its low-water mark (or discarded). False, and {@code resume}
     * dropped, if it is not over it (any more).
     */
    synchronized boolean pauseWhileOverHigh(Runnable resume) {
        if (!overHigh) {
            return false;
        }
        resumes.add(resume);
        return true;
    }

    /**
     * Waits for at least one item, then takes items in order up to {@code maxBytes} (at least
     * one); empty once closed. Publishers paused on this queue resume if it is down to the low-water mark.
     */
    List<T> take(int maxBytes) throws InterruptedException {
        List<T> batch = new ArrayList<>();
        List<Runnable> resumeNow;
        synchronized (this) {
            while (items.isEmpty() && !closed) {
                wait();
            }
            int taken = 0;
            while (!items.isEmpty() && (batch.isEmpty() || taken + items.peek().bytes() <= maxBytes)) {
                Item<T> item = items.poll();
                taken += item.bytes();
                bytes -= item.bytes();
                batch.add(item.value());
            }
            resumeNow = belowLowWater();
        }
        resumeNow.forEach(Runnable::run);
        return batch;
    }

    /** Empties the queue for good (the node left): returns what was in it; paused publishers resume. */
    List<T> close() {
        List<T> rest = new ArrayList<>();
        List<Runnable> resumeNow;
        synchronized (this) {
            closed = true;
            items.forEach(i -> rest.add(i.value()));
            items.clear();
            bytes = 0;
            resumeNow = belowLowWater();
            notifyAll();
        }
        resumeNow.forEach(Runnable::run);
        return rest;
    }

    private List<Runnable> belowLowWater() {
        if (!overHigh || items.size() > high.messages() / 2 || bytes > high.bytes() / 2) {
            return List.of();
        }
        overHigh = false;
        List<Runnable> now = List.copyOf(resumes);
        resumes.clear();
        return now;
    }

    synchronized long messages() {
        return items.size();
    }

    synchronized long bytes() {
        return bytes;
    }

    /** The most messages it ever held, for the metrics: what the bound kept it to. */
    synchronized long peakMessages() {
        return peakMessages;
    }

    synchronized long peakBytes() {
        return peakBytes;
    }

    /** QoS 0 messages dropped at the hard cap. */
    synchronized long dropped() {
        return dropped;
    }

    synchronized boolean overHigh() {
        return overHigh;
    }
}
