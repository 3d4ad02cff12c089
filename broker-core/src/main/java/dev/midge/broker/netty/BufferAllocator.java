package dev.midge.broker.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;

/**
 * The buffer pool every broker connection allocates from, sized for a broker rather than for
 * Netty's general default. Netty's default pool gives each of 2 x cores arenas its own 4 MiB
 * chunks (4 MiB per arena as soon as one thread touches it, more under load, kept for good);
 * a broker's buffers are small (packets, TLS records of at most 16 KiB), so one arena per core
 * and 1 MiB chunks hold the same traffic with a quarter of the pool. Embedders get this from
 * code, as nobody re-launches their JVM; one who tunes Netty's pool with {@code io.netty.allocator.*}
 * system properties gets Netty's default allocator, which reads them.
 */
final class BufferAllocator {

    /** 8 KiB pages, 2^7 of them per chunk: 1 MiB chunks (Netty's default is 2^9, 4 MiB). */
    private static final int PAGE_SIZE = 8192;
    private static final int MAX_ORDER = 7;
    /** Netty's own per-thread cache sizes; only event-loop threads keep a cache. */
    private static final int SMALL_CACHE_SIZE = 256;
    private static final int NORMAL_CACHE_SIZE = 64;

    private static final ByteBufAllocator INSTANCE = create();

    private BufferAllocator() {
    }

    /** One pool for every broker in this JVM: pools hold their chunks for as long as they live. */
    static ByteBufAllocator forBroker() {
        return INSTANCE;
    }

    private static ByteBufAllocator create() {
        if (System.getProperties().stringPropertyNames().stream().anyMatch(name -> name.startsWith("io.netty.allocator."))) {
            return ByteBufAllocator.DEFAULT;
        }
        int arenas = Math.max(1, Runtime.getRuntime().availableProcessors());
        boolean direct = PlatformDependent.directBufferPreferred();
        return new PooledByteBufAllocator(direct, direct ? 1 : arenas, direct ? arenas : 0, PAGE_SIZE, MAX_ORDER,
                SMALL_CACHE_SIZE, NORMAL_CACHE_SIZE, false);
    }
}
