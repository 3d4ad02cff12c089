package dev.midge.tls;

import io.netty.buffer.ByteBuf;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What a TLS ClientHello offers that decides between TLS-PSK and certificates on a listener that
 * serves both: PSK cipher suites (TLS 1.2) and the identities of a {@code pre_shared_key}
 * extension (TLS 1.3, RFC 8446 4.2.11). Read from the first bytes of a connection, never
 * consuming them, so that they can be replayed to the handler chosen.
 */
final class ClientHelloOffer {

    /** One ClientHello, however many records it spans; OpenSSL's own is well under 2 KiB. */
    static final int MAX_BYTES = 16 * 1024;

    private static final int HANDSHAKE_RECORD = 22;
    private static final int CLIENT_HELLO = 1;
    private static final int PRE_SHARED_KEY = 41;

    /** The bytes are not a TLS ClientHello, or one larger than {@link #MAX_BYTES}. */
    static final class NotAClientHello extends Exception {
        NotAClientHello(String message) {
            super(message, null, false, false);
        }
    }

    private final boolean offersPskSuite;
    private final List<byte[]> pskIdentities;

    private ClientHelloOffer(boolean offersPskSuite, List<byte[]> pskIdentities) {
        this.offersPskSuite = offersPskSuite;
        this.pskIdentities = pskIdentities;
    }

    /** Whether the TLS 1.2 cipher suite list holds a PSK suite. */
    boolean offersPskSuite() {
        return offersPskSuite;
    }

    /** The identities of a TLS 1.3 pre_shared_key extension: external PSKs or resumption tickets. */
    List<byte[]> pskIdentities() {
        return pskIdentities;
    }

    /**
     * @return the offer, or null while the ClientHello is incomplete
     * @throws NotAClientHello what arrived is not TLS, or the ClientHello is too large
     */
    static ClientHelloOffer read(ByteBuf in) throws NotAClientHello {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        int at = in.readerIndex();
        int end = in.writerIndex();
        while (true) {
            if (end - at < 5) {
                return incomplete(in);
            }
            if (in.getUnsignedByte(at) != HANDSHAKE_RECORD || in.getUnsignedByte(at + 1) != 3) {
                throw new NotAClientHello("not a TLS handshake record");
            }
            int length = in.getUnsignedShort(at + 3);
            if (length == 0 || length > MAX_BYTES) {
                throw new NotAClientHello("a TLS record of " + length + " bytes");
            }
            if (end - at - 5 < length) {
                return incomplete(in);
            }
            byte[] fragment = new byte[length];
            in.getBytes(at + 5, fragment);
            message.writeBytes(fragment);
            at += 5 + length;
            byte[] sofar = message.toByteArray();
            if (sofar.length >= 4) {
                if (sofar[0] != CLIENT_HELLO) {
                    throw new NotAClientHello("the first handshake message is not a ClientHello");
                }
                int bodyLength = ((sofar[1] & 0xFF) << 16) | ((sofar[2] & 0xFF) << 8) | (sofar[3] & 0xFF);
                if (bodyLength > MAX_BYTES) {
                    throw new NotAClientHello("a ClientHello of " + bodyLength + " bytes");
                }
                if (sofar.length >= 4 + bodyLength) {
                    return parse(sofar, 4, 4 + bodyLength);
                }
            }
        }
    }

    private static ClientHelloOffer incomplete(ByteBuf in) throws NotAClientHello {
        if (in.readableBytes() > MAX_BYTES + 64) {
            throw new NotAClientHello("more than " + MAX_BYTES + " bytes without a complete ClientHello");
        }
        return null;
    }

    private static ClientHelloOffer parse(byte[] b, int at, int end) throws NotAClientHello {
        try {
            at += 2 + 32;                                  // client_version, random
            at += 1 + (b[at] & 0xFF);                      // session_id
            int suitesEnd = at + 2 + u16(b, at, end);
            boolean psk = false;
            for (at += 2; at + 1 < suitesEnd; at += 2) {
                psk |= PskCipherSuiteCodes.isPsk(u16(b, at, end));
            }
            at = suitesEnd;
            at += 1 + (b[at] & 0xFF);                      // compression_methods
            List<byte[]> identities = new ArrayList<>();
            if (at < end) {
                int extensionsEnd = at + 2 + u16(b, at, end);
                for (at += 2; at + 4 <= extensionsEnd; ) {
                    int type = u16(b, at, end);
                    int length = u16(b, at + 2, end);
                    if (type == PRE_SHARED_KEY) {
                        int identitiesEnd = at + 6 + u16(b, at + 4, end);
                        for (int i = at + 6; i + 2 <= identitiesEnd; ) {
                            int identityLength = u16(b, i, end);
                            byte[] identity = new byte[identityLength];
                            System.arraycopy(b, i + 2, identity, 0, identityLength);
                            identities.add(identity);
                            i += 2 + identityLength + 4;   // identity, obfuscated_ticket_age
                        }
                    }
                    at += 4 + length;
                }
            }
            return new ClientHelloOffer(psk, List.copyOf(identities));
        } catch (IndexOutOfBoundsException e) {
            throw new NotAClientHello("a malformed ClientHello");
        }
    }

    private static int u16(byte[] b, int at, int end) {
        if (at + 2 > end) {
            throw new IndexOutOfBoundsException();
        }
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }
}
