package dev.midge.cluster;

import dev.midge.conf.ClusterOptions;
import dev.midge.tls.PemFiles;
import dev.midge.tls.TlsFileException;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The TLS context of the node links: this node's certificate and key, and trust in node
 * certificates of the cluster CA only (not the JDK's CAs). Both ends authenticate: the link's
 * server side demands a client certificate. Only the node's key is read; a CA key never is.
 */
final class NodeTls {

    private NodeTls() {
    }

    static SSLContext context(ClusterOptions options)
            throws TlsFileException, GeneralSecurityException, java.io.IOException {
        List<X509Certificate> chain = PemFiles.certificates(options.certFile());
        PrivateKey key = PemFiles.privateKey(options.keyFile());
        List<X509Certificate> cas = PemFiles.certificates(options.caFile());
        String cn = NodeNames.commonName(chain.get(0));
        if (!options.node().equals(cn)) {
            // Peers know a node by its certificate: a name that differs would make two names for one node.
            throw new TlsFileException(options.certFile(), "its CN is " + cn + ", not the node name "
                    + options.node() + " (midge_cluster_node); issue one with 'device add " + options.node()
                    + " --profile node'");
        }
        char[] none = new char[0];
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("node", key, none, chain.toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, none);

        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        for (int i = 0; i < cas.size(); i++) {
            trusted.setCertificateEntry("ca" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trusted);
        X509TrustManager pkix = null;
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                pkix = x;
            }
        }
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(kmf.getKeyManagers(), new TrustManager[] {new NodeCertificateTrust(pkix)}, null);
        return context;
    }
}
