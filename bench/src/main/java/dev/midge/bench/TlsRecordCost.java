package dev.midge.bench;

import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;

/**
 * What one TLS record costs the server's SSLEngine, the work behind each device PUBLISH in the
 * mTLS fan-in (every 64-byte PUBLISH arrives in a record of its own: the devices flush each one):
 * unwrap (decrypt) of a 67-byte record, and wrap (encrypt) of 100 PUBLISHes written to the backend
 * as one record, on the JDK's engine (heap and direct buffers: Netty hands it direct ones) and on
 * BoringSSL's ({@code midge_tls_provider openssl}). TLS 1.3, AES-128-GCM, CPU time of this thread.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.midge.bench.TlsRecordCost [records]</pre>
 */
public final class TlsRecordCost {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final int PUBLISH = 2 + 2 + 15 + 64;   // fixed header, topic /bench/dev-1/attrs, payload

    private TlsRecordCost() {
    }

    public static void main(String[] args) throws Exception {
        int records = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
        TestPki pki = TestPki.create(Files.createTempDirectory("tls-record-cost"));
        IssuedCertificate server = pki.ecServer();
        SslContext client = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols("TLSv1.3")
                .ciphers(java.util.List.of("TLS_AES_128_GCM_SHA256"))
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        System.out.printf("TLS 1.3 AES-128-GCM records, %,d per row, CPU time of one thread per record%n", records);
        for (int round = 0; round < 2; round++) {   // the first round warms the JIT up
            boolean print = round == 1;
            measure("JDK engine, heap buffers", SslProvider.JDK, false, server, client, records, print);
            measure("JDK engine, direct buffers", SslProvider.JDK, true, server, client, records, print);
            measure("BoringSSL engine (netty-tcnative), direct buffers", SslProvider.OPENSSL, true, server, client,
                    records, print);
        }
    }

    private static void measure(String what, SslProvider provider, boolean direct, IssuedCertificate server,
                                SslContext clientContext, int records, boolean print) throws Exception {
        SslContext serverContext = SslContextBuilder.forServer(server.privateKey(), server.certificate())
                .sslProvider(provider).protocols("TLSv1.3").ciphers(java.util.List.of("TLS_AES_128_GCM_SHA256")).build();
        SSLEngine serverEngine = serverContext.newEngine(UnpooledByteBufAllocator.DEFAULT);
        SSLEngine clientEngine = clientContext.newEngine(UnpooledByteBufAllocator.DEFAULT, "127.0.0.1", 8883);
        try {
            handshake(clientEngine, serverEngine, direct);
            // Each device PUBLISH sealed in a record of its own, as a device sends it.
            ByteBuffer wire = allocate(records * (PUBLISH + 64) + (1 << 16), direct);   // an engine wants room for a whole record
            ByteBuffer one = allocate(PUBLISH, direct);
            for (int i = 0; i < records; i++) {
                one.clear();
                one.put(new byte[PUBLISH]).flip();
                SSLEngineResult sent = clientEngine.wrap(one, wire);
                if (sent.getStatus() != SSLEngineResult.Status.OK) {
                    throw new IllegalStateException(sent + " at record " + i + ", room " + wire.remaining());
                }
            }
            wire.flip();
            ByteBuffer plain = allocate(serverEngine.getSession().getApplicationBufferSize(), direct);
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < records; i++) {
                plain.clear();
                check(serverEngine.unwrap(wire, plain));
            }
            double unwrap = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / records;

            // Toward the backend: 100 PUBLISHes, written by the broker in one go, sealed as one record.
            ByteBuffer batch = allocate(100 * PUBLISH, direct);
            ByteBuffer sealed = allocate(serverEngine.getSession().getPacketBufferSize(), direct);
            int batches = records / 100;
            cpu0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < batches; i++) {
                batch.clear();
                sealed.clear();
                check(serverEngine.wrap(batch, sealed));
            }
            double wrap = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / (batches * 100.0);
            if (print) {
                System.out.printf("  %-52s unwrap of a 1-PUBLISH record %6.2f µs; wrap per PUBLISH, 100 to a record %6.3f µs%n",
                        what, unwrap, wrap);
            }
        } finally {
            ReferenceCountUtil.release(serverEngine);
            ReferenceCountUtil.release(clientEngine);
            ReferenceCountUtil.release(serverContext);
        }
    }

    private static ByteBuffer allocate(int size, boolean direct) {
        return direct ? ByteBuffer.allocateDirect(size) : ByteBuffer.allocate(size);
    }

    private static void check(SSLEngineResult result) {
        if (result.getStatus() != SSLEngineResult.Status.OK) {
            throw new IllegalStateException(result.toString());
        }
    }

    /** Both engines in this thread, delegated tasks run in place, until both are done. */
    private static void handshake(SSLEngine client, SSLEngine server, boolean direct) throws Exception {
        ByteBuffer toServer = allocate(1 << 17, direct);
        ByteBuffer toClient = allocate(1 << 17, direct);
        ByteBuffer empty = allocate(0, direct);
        ByteBuffer sink = allocate(1 << 17, direct);
        client.beginHandshake();
        server.beginHandshake();
        for (int i = 0; i < 1000 && !(done(client) && done(server)); i++) {
            step(client, empty, toServer, toClient, sink);
            step(server, empty, toClient, toServer, sink);
        }
        if (!(done(client) && done(server))) {
            throw new IllegalStateException("handshake did not finish: " + client.getHandshakeStatus() + " / "
                    + server.getHandshakeStatus());
        }
    }

    private static boolean done(SSLEngine engine) {
        SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer sink)
            throws Exception {
        switch (engine.getHandshakeStatus()) {
            case NEED_WRAP -> engine.wrap(empty, out);
            case NEED_UNWRAP -> {
                in.flip();
                engine.unwrap(in, sink);
                in.compact();
                sink.clear();
            }
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            }
            default -> {
            }
        }
    }
}
