package dev.midge.broker.netty;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

import java.util.ArrayList;
import java.util.List;

/**
 * An allocator that remembers every buffer it hands out, so a test can tell right after one
 * input which buffers are still referenced. Exact and immediate, where Netty's leak detector
 * needs a GC and reports long after the input that leaked. Plain buffers are not wrapped for
 * Netty's detector: with this check it would only add a stack trace per buffer access.
 */
final class TrackingAllocator extends AbstractByteBufAllocator {

    private final List<ByteBuf> handedOut = new ArrayList<>();

    TrackingAllocator() {
        super(false);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return track(new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity));
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return track(super.compositeHeapBuffer(maxNumComponents));
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return track(super.compositeDirectBuffer(maxNumComponents));
    }

    private <T extends ByteBuf> T track(T buffer) {
        synchronized (handedOut) {
            handedOut.add(buffer);
        }
        return buffer;
    }

    /** The capacity of the buffers handed out since the last forget that are still referenced. */
    long bytesHeld() {
        synchronized (handedOut) {
            long bytes = 0;
            for (ByteBuf b : handedOut) {
                if (b.refCnt() > 0 && !(b instanceof CompositeByteBuf)) {
                    bytes += b.capacity();
                }
            }
            return bytes;
        }
    }

    /** How many buffers handed out since the last call are still referenced; forgets them all. */
    int stillReferencedAndForget() {
        synchronized (handedOut) {
            int live = 0;
            for (ByteBuf b : handedOut) {
                if (b.refCnt() > 0) {
                    live++;
                }
            }
            handedOut.clear();
            return live;
        }
    }
}
