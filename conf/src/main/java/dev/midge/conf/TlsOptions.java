package dev.midge.conf;

import dev.midge.conf.pkcs11.Pkcs11Uri;

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
 * @param tlsEngine             OpenSSL engine: "pkcs11" with keyform engine means {@link #tokenKey}; otherwise warned
 * @param keyform               "pem" or "engine"; with "engine" keyfile is null and {@link #tokenKey} names the key
 * @param tlsKeylog             file to write TLS key material to, for debugging
 * @param crlExpiredWarnOnly    Midge option {@code midge_crl_expired_warn_only}: a CRL past its
 *                              nextUpdate only warns instead of refusing every client certificate
 * @param tokenKey              with keyform engine: the server key in a PKCS#11 token (keyfile's URI), else null
 * @param tokenPinSha1          tls_engine_kpass_sha1 with keyform engine: the token PIN must hash to it, else null
 */
public record TlsOptions(Path cafile, Path capath, Path certfile, Path keyfile, String tlsVersion,
                         String ciphers, String ciphersTls13, boolean requireCertificate,
                         boolean useIdentityAsUsername, boolean useSubjectAsUsername, Path crlfile,
                         String pskHint, Path pskFile, String tlsEngine, String keyform, Path tlsKeylog,
                         boolean crlExpiredWarnOnly, Pkcs11Uri tokenKey, String tokenPinSha1) {

    public static final TlsOptions NONE = new TlsOptions(null, null, null, null, null, null, null,
            false, false, false, null, null, null, null, null, null, false, null, null);

    /** A listener is TLS when it has a server certificate (as in mosquitto). */
    public boolean enabled() {
        return certfile != null;
    }
}
