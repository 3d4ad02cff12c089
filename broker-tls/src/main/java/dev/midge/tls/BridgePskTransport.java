package dev.midge.tls;

import dev.midge.broker.bridge.BridgeTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import org.bouncycastle.tls.BasicTlsPSKIdentity;
import org.bouncycastle.tls.PSKTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;

/**
 * A bridge's TLS-PSK (bridge_identity + bridge_psk, the key in hex as mosquitto's), with
 * BouncyCastle's client since the JDK has no PSK: TLS 1.2 with BouncyCastle's PSK suites
 * (ECDHE-PSK first), as mosquitto's PSK bridges speak it.
 */
public final class BridgePskTransport implements BridgeTransport {

    /** Key agreement of bridges' PSK handshakes runs here, never on an event loop. */
    private static final Executor HANDSHAKE_TASKS = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "midge-bridge-psk");
        thread.setDaemon(true);
        return thread;
    });

    private final BcTlsCrypto crypto = new BcTlsCrypto(new SecureRandom());
    private final String identity;
    private final byte[] key;

    private BridgePskTransport(String identity, byte[] key) {
        this.identity = identity;
        this.key = key;
    }

    /** @param hexKey the PSK in hexadecimal */
    public static BridgePskTransport create(String identity, String hexKey) {
        return new BridgePskTransport(identity, HexFormat.of().parseHex(hexKey));
    }

    @Override
    public ChannelHandler newHandler(Channel channel, String host, int port) {
        PSKTlsClient client = new PSKTlsClient(crypto, new BasicTlsPSKIdentity(identity, key)) {
            @Override
            protected ProtocolVersion[] getSupportedVersions() {
                return ProtocolVersion.TLSv12.only();
            }
        };
        return new PskTlsClientHandler(client, HANDSHAKE_TASKS);
    }

    @Override
    public String describe() {
        return "TLS-PSK as " + identity;
    }
}
