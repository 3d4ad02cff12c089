package dev.midge.tls;

import dev.midge.broker.bridge.BridgeTransport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A bridge's TLS as mosquitto's bridge_* options describe it: the remote's certificate must
 * chain to bridge_cafile/bridge_capath and (unless bridge_insecure) name the host dialled; the
 * bridge presents bridge_certfile/bridge_keyfile when given (e.g. a certificate from Midge's
 * own CA, made with {@code device add}). Files are read once, when the bridge is set up.
 */
public final class BridgeTlsTransport implements BridgeTransport {

    private final SslContext context;
    private final boolean insecure;

    private BridgeTlsTransport(SslContext context, boolean insecure) {
        this.context = context;
        this.insecure = insecure;
    }

    /**
     * @param tlsVersion tlsv1.2 (1.2 and 1.3) or tlsv1.3, or null for both
     * @param alpn       the ALPN protocol to offer, or null
     */
    public static BridgeTlsTransport create(Path cafile, Path capath, Path certfile, Path keyfile, boolean insecure,
                                            String tlsVersion, String alpn) throws TlsFileException {
        List<X509Certificate> trusted = TrustedCertificates.load(cafile, capath);
        if (trusted.isEmpty()) {
            throw new TlsFileException(cafile != null ? cafile : capath, "no CA certificate to check the remote broker with");
        }
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(trusted.toArray(new X509Certificate[0]))
                .protocols(TlsMaterial.protocols(tlsVersion));
        if (certfile != null) {
            List<X509Certificate> chain = PemFiles.certificates(certfile);
            if (chain.isEmpty()) {
                throw new TlsFileException(certfile, "no certificate in bridge_certfile");
            }
            PrivateKey key = PemFiles.privateKey(keyfile);
            builder.keyManager(key, chain.toArray(new X509Certificate[0]));
        }
        if (alpn != null) {
            builder.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn));
        }
        try {
            return new BridgeTlsTransport(builder.build(), insecure);
        } catch (SSLException e) {
            throw new TlsFileException(certfile != null ? certfile : cafile, "cannot be used for TLS: " + e.getMessage());
        }
    }

    @Override
    public ChannelHandler newHandler(Channel channel, String host, int port) {
        SslHandler handler = context.newHandler(channel.alloc(), host, port);
        if (!insecure) {
            // mosquitto checks the remote's certificate names the host dialled unless bridge_insecure.
            SSLParameters parameters = handler.engine().getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            handler.engine().setSSLParameters(parameters);
        }
        return handler;
    }

    @Override
    public String describe() {
        return insecure ? "TLS, host name not checked (bridge_insecure)" : "TLS";
    }
}
