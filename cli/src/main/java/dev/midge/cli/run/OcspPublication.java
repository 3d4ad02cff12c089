package dev.midge.cli.run;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.store.Pem;

import javax.security.auth.x500.X500Principal;
import java.io.IOException;
import java.security.cert.X509Certificate;

/**
 * Which OCSP URL the built-in CA writes into the certificates it issues (authorityInfoAccess),
 * decided at every start: the operator's public address when one is configured
 * ({@code midge_ocsp_url}, {@code run --ocsp-url}); otherwise the plain-HTTP responder's own
 * address when {@code midge_ocsp_port} runs (preferred: OCSP clients fetch over HTTP, RFC 6960
 * A.1); otherwise the enrollment server's {@code https://…/ocsp} when it runs; otherwise none.
 * The host is the server certificate's CN: the name devices already reach the broker by.
 * Stored in the data directory, because {@code device add} (another process) issues too.
 */
public final class OcspPublication {

    private OcspPublication() {
    }

    /**
     * @param configured     the operator's URL, or null
     * @param ocspPort       the running plain-HTTP responder's port, or 0
     * @param enrollmentPort the running enrollment server's port, or 0
     * @return the URL now in force, or null
     */
    public static String publish(DataDirectory data, String configured, int ocspPort, int enrollmentPort)
            throws IOException {
        String url = configured;
        if (url == null && ocspPort != 0) {
            url = "http://" + host(data) + ":" + ocspPort + "/ocsp";
        } else if (url == null && enrollmentPort != 0) {
            url = "https://" + host(data) + ":" + enrollmentPort + "/ocsp";
        }
        data.ocspUrl(url);
        return url;
    }

    private static String host(DataDirectory data) {
        X509Certificate server = Pem.readCertificates(data.serverCertificate()).get(0);
        String dn = server.getSubjectX500Principal().getName(X500Principal.RFC2253);
        for (String rdn : dn.split(",")) {
            if (rdn.startsWith("CN=")) {
                String cn = rdn.substring(3);
                return cn.contains(":") ? "[" + cn + "]" : cn;
            }
        }
        return "localhost";
    }
}
