package dev.midge.bench.sidebyside;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.atomic.LongAdder;

/**
 * A subscriber that only counts PUBLISH packets (and PUBACKs QoS 1 ones), reading the socket
 * on its own thread. A full client library does far more work per message and, on a small
 * machine, becomes the bottleneck of a throughput run instead of the broker. A PUBLISH whose
 * payload is {@link EndMarker#PAYLOAD} is not counted: it ends the run (see {@link EndMarker}).
 */
final class RawSubscriber implements AutoCloseable {

    private final Socket socket;
    private final Thread reader;
    /** Completed with the count of deliveries before it when the last publisher's end marker arrives. */
    private final java.util.concurrent.CompletableFuture<Long> marker = new java.util.concurrent.CompletableFuture<>();
    /** The publishers whose end marker arrived. */
    private final java.util.Set<Integer> markersSeen = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile int markersExpected = 1;
    private volatile long counted;

    private RawSubscriber(Socket socket, LongAdder delivered) {
        this.socket = socket;
        this.reader = new Thread(() -> read(delivered), "raw-subscriber");
        reader.setDaemon(true);
        reader.start();
    }

    static RawSubscriber subscribe(int port, String clientId, String filter, int qos, LongAdder delivered)
            throws IOException {
        return subscribe(javax.net.SocketFactory.getDefault(), port, clientId, filter, qos, delivered);
    }

    /** As {@link #subscribe(int, String, String, int, LongAdder)} over the factory's sockets (mutual TLS). */
    static RawSubscriber subscribe(javax.net.SocketFactory factory, int port, String clientId, String filter, int qos,
                                   LongAdder delivered) throws IOException {
        Socket socket = factory.createSocket();
        try {
            socket.setTcpNoDelay(true);
            socket.setReceiveBufferSize(1 << 20);
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            out.write(MqttFrames.connect(clientId));
            out.flush();
            byte[] connack = new byte[4];
            in.readFully(connack);
            if (connack[0] != 0x20 || connack[3] != 0) {
                throw new IOException("CONNACK refused: " + connack[3]);
            }
            out.write(MqttFrames.subscribe(filter, qos));
            out.flush();
            awaitSuback(in, out, filter);
            socket.setSoTimeout(0);
            return new RawSubscriber(socket, delivered);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * Completes with the deliveries counted before the end markers of all publishers had arrived
     * (the markers themselves are not counted).
     */
    java.util.concurrent.CompletableFuture<Long> marker() {
        return marker;
    }

    /** How many publishers' end markers (numbered 0 to n - 1) make the end; before the first is sent. */
    void expectMarkers(int publishers) {
        markersExpected = publishers;
    }

    boolean hasMarkerOf(int publisher) {
        return markersSeen.contains(publisher);
    }

    /** Deliveries counted so far (before the marker, if it came). */
    long countedSoFar() {
        return counted;
    }

    private void read(LongAdder delivered) {
        try {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 1 << 14);
            byte[] header = new byte[4];
            byte[] payload = new byte[EndMarker.LENGTH];
            while (true) {
                int first = in.read();
                if (first < 0) {
                    return;
                }
                int length = remainingLength(in);
                if ((first & 0xF0) == 0x30) {
                    int qos = (first >> 1) & 3;
                    readFully(in, header, 2);
                    int topicLength = ((header[0] & 0xFF) << 8) | (header[1] & 0xFF);
                    skip(in, topicLength);
                    int payloadLength = length - 2 - topicLength;
                    if (qos > 0) {
                        readFully(in, header, 2);
                        out.write(qos == 1 ? 0x40 : 0x50);
                        out.write(2);
                        out.write(header, 0, 2);
                        payloadLength -= 2;
                    }
                    // Only a payload of the marker's length is read: the others are skipped as before.
                    int markerOf = -1;
                    if (payloadLength == payload.length) {
                        readFully(in, payload, payload.length);
                        markerOf = EndMarker.publisherOf(payload);
                    } else {
                        skip(in, payloadLength);
                    }
                    if (markerOf >= 0) {
                        if (markersSeen.add(markerOf) && markersSeen.size() >= markersExpected) {
                            marker.complete(counted);
                        }
                    } else {
                        if (!marker.isDone()) {
                            counted++;
                        }
                        delivered.increment();
                    }
                } else {
                    skip(in, length);
                }
                if (in.available() == 0) {
                    out.flush(); // batch PUBACKs while more input is waiting
                }
            }
        } catch (IOException closed) {
            // The run is over (or the broker went away): stop counting.
        }
    }

    /**
     * Reads up to the SUBACK. A broker may send matching PUBLISHes before it (MQTT 3.1.1 section
     * 3.8.4; a cluster node does when another node's messages reach the new route first): they are
     * acknowledged and not counted, as they belong to no measured window.
     */
    private static void awaitSuback(DataInputStream in, OutputStream out, String filter) throws IOException {
        while (true) {
            int first = in.readUnsignedByte();
            int length = remainingLength(in);
            byte[] body = new byte[length];
            in.readFully(body);
            if ((first & 0xF0) == 0x90) {
                if (length < 3 || (body[length - 1] & 0x80) != 0) {
                    throw new IOException("SUBSCRIBE to " + filter + " refused");
                }
                return;
            }
            int qos = (first >> 1) & 3;
            if ((first & 0xF0) == 0x30 && qos > 0) {
                int id = 2 + (((body[0] & 0xFF) << 8) | (body[1] & 0xFF));
                out.write(new byte[] {(byte) (qos == 1 ? 0x40 : 0x50), 2, body[id], body[id + 1]});
                out.flush();
            }
        }
    }

    private static int remainingLength(InputStream in) throws IOException {
        int value = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException();
            }
            value |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw new IOException("malformed remaining length");
    }

    private static void readFully(InputStream in, byte[] buffer, int n) throws IOException {
        int read = 0;
        while (read < n) {
            int r = in.read(buffer, read, n - read);
            if (r < 0) {
                throw new EOFException();
            }
            read += r;
        }
    }

    private static void skip(InputStream in, long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException();
                }
                s = 1;
            }
            n -= s;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
            reader.join(5_000);
        } catch (IOException | InterruptedException ignored) {
            // Closing is best effort at the end of a run.
        }
    }
}
