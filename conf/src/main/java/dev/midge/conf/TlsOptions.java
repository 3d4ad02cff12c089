package dev.midge.conf;

import java.nio.file.Path;

/**
 * A listener's TLS options, named as in mosquitto.conf. Null means "not set".
 *
 * @param cafile                trusted CA certificates (PEM) for client certificates
 * @param capath                a directory of trusted CA certificates
 * @param certfile              the server certificate chain (PEM)
 * @param keyfile               the server private key (PEM: PKCS#1, PKCS#8 or SEC1)
 * @param tlsVersion            the minimum version: "tlsv1.2" or "tlsv1.3" (null: tlsv1.2)
 * @param ciphers               OpenSSL cipher list for TLS 1.2
 * @param ciphersTls13          TLS 1.3 cipher suites
 * @param requireCertificate    clients must present a certificate that chains to the CA
 * @param useIdentityAsUsername the certificate's CN becomes the username
 * @param useSubjectAsUsername  the certificate's full subject becomes the username
 * @param crlfile               a CRL (PEM) checked at every handshake
 * @param pskHint               TLS-PSK hint (not implemented: warned at parse time)
 * @param pskFile               TLS-PSK keys (not implemented: warned)
 * @param tlsEngine             OpenSSL engine (not applicable to Java: warned)
 * @param keyform               "pem" or "engine"
 * @param tlsKeylog             file to write TLS key material to, for debugging
 * @param crlExpiredWarnOnly    Midge option {@code midge_crl_expired_warn_only}: a CRL past its
 *                              nextUpdate only warns instead of refusing every client certificate
 * @param ocspCheck             Midge option {@code midge_ocsp_check}: ask the OCSP responder named in a
 *                              client certificate's AIA after the handshake (default off)
 */
public record TlsOptions(Path cafile, Path capath, Path certfile, Path keyfile, String tlsVersion,
                         String ciphers, String ciphersTls13, boolean requireCertificate,
                         boolean useIdentityAsUsername, boolean useSubjectAsUsername, Path crlfile,
                         String pskHint, Path pskFile, String tlsEngine, String keyform, Path tlsKeylog,
                         boolean crlExpiredWarnOnly, OcspCheck ocspCheck) {

    public static final TlsOptions NONE = new TlsOptions(null, null, null, null, null, null, null,
            false, false, false, null, null, null, null, null, null, false, OcspCheck.OFF);

    public TlsOptions {
        ocspCheck = ocspCheck == null ? OcspCheck.OFF : ocspCheck;
    }

    /**
     * {@code midge_ocsp_check}: off; or check, and when the responder cannot answer keep the client
     * ({@code fail-open}) or drop it ({@code fail-closed}).
     */
    public enum OcspCheck {
        OFF("off"), FAIL_OPEN("fail-open"), FAIL_CLOSED("fail-closed");

        private final String keyword;

        OcspCheck(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }

    /** A listener is TLS when it has a server certificate (as in mosquitto). */
    public boolean enabled() {
        return certfile != null;
    }
}
