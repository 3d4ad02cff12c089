package dev.midge.cluster;

import dev.midge.tls.PeerText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Decides whether the peer of a node link is a node: its chain leads to the cluster CA (the
 * JDK's PKIX checks do that), and its certificate is a node certificate, that is it may act as
 * both TLS client and server (extended key usage serverAuth and clientAuth, as Midge's "node"
 * profile issues) and has a CN, the node's name. A device certificate from the same CA (clientAuth
 * only) or the broker's server certificate (serverAuth only) is thereby not a node.
 * Each refusal is one log line naming the peer, the certificate and the cause.
 */
final class NodeCertificateTrust extends X509ExtendedTrustManager {

    private static final Logger LOG = LoggerFactory.getLogger(NodeCertificateTrust.class);
    private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    private final X509TrustManager pkix;

    NodeCertificateTrust(X509TrustManager pkix) {
        this.pkix = pkix;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, true, peer(socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        check(chain, authType, false, peer(socket));
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, true, engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort());
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, authType, false, engine == null ? "?" : engine.getPeerHost() + ":" + engine.getPeerPort());
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, true, "?");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain, authType, false, "?");
    }

    /**
     * None named: a peer then sends the certificate it has, whoever issued it, and this class
     * refuses it with a line naming it. Naming the cluster CA would make a peer without a node
     * certificate send none, and JSSE would refuse that before any check here could say who it was.
     */
    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }

    private void check(X509Certificate[] chain, String authType, boolean joining, String peer)
            throws CertificateException {
        try {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("no certificate");
            }
            if (joining) {
                pkix.checkClientTrusted(chain, authType);
            } else {
                pkix.checkServerTrusted(chain, authType);
            }
            String cn = NodeNames.commonName(chain[0]);
            if (cn == null) {
                throw new CertificateException("the certificate has no CN (a node certificate's CN is the node name)");
            }
            List<String> usages = extendedKeyUsage(chain[0]);
            if (!usages.contains(SERVER_AUTH) || !usages.contains(CLIENT_AUTH)) {
                throw new CertificateException("not a node certificate (it needs extended key usage serverAuth and "
                        + "clientAuth, as 'device add NAME --profile node' issues)");
            }
        } catch (CertificateException e) {
            String subject = chain == null || chain.length == 0 ? "no certificate"
                    : "certificate " + PeerText.forLog(chain[0].getSubjectX500Principal().getName())
                    + " serial " + chain[0].getSerialNumber().toString(16);
            LOG.warn("Cluster {} {} refused: {}: {}", joining ? "join from" : "link to", peer, subject,
                    PeerText.forLog(reason(e)));
            throw e;
        }
    }

    private static List<String> extendedKeyUsage(X509Certificate certificate) throws CertificateParsingException {
        List<String> usages = certificate.getExtendedKeyUsage();
        return usages == null ? List.of() : usages;
    }

    /** PKIX's message for a foreign CA is long; say it the way an operator thinks of it. */
    private static String reason(CertificateException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("PKIX path building failed") || message.contains("unable to find valid certification path")) {
            return "not issued by the cluster CA (midge_cluster_cafile)";
        }
        if (message.contains("validity check failed") || message.contains("NotAfter") || message.contains("expired")) {
            return "expired or not yet valid: " + message;
        }
        return message;
    }

    private static String peer(Socket socket) {
        return socket == null || socket.getInetAddress() == null ? "?"
                : socket.getInetAddress().getHostAddress() + ":" + socket.getPort();
    }
}
