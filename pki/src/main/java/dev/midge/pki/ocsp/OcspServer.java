package dev.midge.pki.ocsp;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.enrollment.http.HttpResponse;
import dev.midge.pki.enrollment.http.HttpsListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;

/**
 * The OCSP responder on its own plain-HTTP port. Plain HTTP because OCSP responses are signed
 * (RFC 6960 A.1 specifies HTTP), and because an https responder URL makes clients trust a TLS
 * server first: the JDK's OCSP client would check it against its default trust store, which
 * does not hold Midge's CA, and openssl ocsp 3.0 does not verify it at all. The same responder
 * also answers on the enrollment server's {@code /ocsp}.
 */
public final class OcspServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OcspServer.class);

    private final HttpsListener listener;

    private OcspServer(HttpsListener listener) {
        this.listener = listener;
    }

    public static OcspServer start(InetSocketAddress bind, DataDirectory data) throws IOException {
        OcspResponder responder = new OcspResponder(data, Clock.systemUTC());
        responder.signer();
        OcspHandler ocsp = new OcspHandler(responder);
        HttpsListener listener = HttpsListener.start(bind, null, HttpsListener.Limits.DEFAULT,
                request -> OcspHandler.handles(request) ? ocsp.handle(request)
                        : HttpResponse.text(404, "the OCSP responder answers on " + OcspHandler.PATH),
                "midge-ocsp");
        LOG.info("OCSP responder (plain HTTP, {}) listening on {}", OcspHandler.PATH, listener.address());
        return new OcspServer(listener);
    }

    public int port() {
        return listener.address().getPort();
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
    }
}
