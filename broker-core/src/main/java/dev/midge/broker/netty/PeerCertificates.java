package dev.midge.broker.netty;

import io.netty.handler.ssl.SslHandler;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/** The client's verified certificate chain from a completed TLS handshake. */
final class PeerCertificates {

    private PeerCertificates() {
    }

    /** Leaf first, or null without TLS or without a client certificate. */
    static X509Certificate[] of(SslHandler ssl) {
        if (ssl == null) {
            return null;
        }
        try {
            Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
            if (chain == null || chain.length == 0) {
                return null;
            }
            X509Certificate[] result = new X509Certificate[chain.length];
            for (int i = 0; i < chain.length; i++) {
                result[i] = (X509Certificate) chain[i];
            }
            return result;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }
}
