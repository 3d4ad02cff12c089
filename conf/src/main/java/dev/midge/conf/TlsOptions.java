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
 * @param pskHint               TLS-PSK identity hint; without certfile it makes the listener TLS-PSK
 * @param pskFile               TLS-PSK keys, mosquitto's {@code identity:hexkey} lines (global, or the
 *                              listener's own with per_listener_settings)
 * @param tlsEngine             OpenSSL engine: "pkcs11" with keyform engine means {@link #tokenKey}; otherwise warned
 * @param keyform               "pem" or "engine"; with "engine" keyfile is null and {@link #tokenKey} names the key
 * @param tlsKeylog             file to write TLS key material to, for debugging
 * @param crlExpiredWarnOnly    Midge option {@code midge_crl_expired_warn_only}: a CRL past its
 *                              nextUpdate only warns instead of refusing every client certificate
 * @param tokenKey              with keyform engine: the server key in a PKCS#11 token (keyfile's URI), else null
 * @param tokenPinSha1          tls_engine_kpass_sha1 with keyform engine: the token PIN must hash to it, else null
 * @param ocspCheck             Midge option {@code midge_ocsp_check}: ask the OCSP responder named in a
 *                              client certificate's AIA after the handshake (default off)
 * @param provider              Midge option {@code midge_tls_provider}: who runs certificate handshakes,
 *                              the JDK's TLS (default) or OpenSSL (BoringSSL through netty-tcnative)
 */
public record TlsOptions(Path cafile, Path capath, Path certfile, Path keyfile, String tlsVersion,
                         String ciphers, String ciphersTls13, boolean requireCertificate,
                         boolean useIdentityAsUsername, boolean useSubjectAsUsername, Path crlfile,
                         String pskHint, Path pskFile, String tlsEngine, String keyform, Path tlsKeylog,
                         boolean crlExpiredWarnOnly, Pkcs11Uri tokenKey, String tokenPinSha1,
                         OcspCheck ocspCheck, Provider provider) {

    public static final TlsOptions NONE = new TlsOptions(null, null, null, null, null, null, null,
            false, false, false, null, null, null, null, null, null, false, null, null, OcspCheck.OFF, Provider.JDK);

    public TlsOptions {
        ocspCheck = ocspCheck == null ? OcspCheck.OFF : ocspCheck;
        provider = provider == null ? Provider.JDK : provider;
    }

    /**
     * {@code midge_tls_provider}: the JDK's TLS (pure Java, works everywhere) or OpenSSL's
     * (BoringSSL from netty-tcnative, faster handshakes; needs its native library).
     */
    public enum Provider {
        JDK("jdk"), OPENSSL("openssl");

        private final String keyword;

        Provider(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
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

    /** A listener is certificate TLS when it has a server certificate (as in mosquitto). */
    public boolean enabled() {
        return certfile != null;
    }

    /**
     * For embedders, who would otherwise spell out every component positionally: each setter is
     * the mosquitto.conf option of the same name, and what is not set is unset as in a conf.
     *
     * <pre>{@code
     * TlsOptions tls = TlsOptions.builder().certfile(cert).keyfile(key).cafile(ca)
     *         .requireCertificate(true).useIdentityAsUsername(true).build();
     * }</pre>
     */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds {@link TlsOptions}; {@code certfile} and {@code keyfile} are required. */
    public static final class Builder {
        private Path cafile;
        private Path capath;
        private Path certfile;
        private Path keyfile;
        private String tlsVersion;
        private String ciphers;
        private String ciphersTls13;
        private boolean requireCertificate;
        private boolean useIdentityAsUsername;
        private boolean useSubjectAsUsername;
        private Path crlfile;
        private String pskHint;
        private Path pskFile;
        private String tlsEngine;
        private String keyform;
        private Path tlsKeylog;
        private boolean crlExpiredWarnOnly;
        private Pkcs11Uri tokenKey;
        private String tokenPinSha1;
        private OcspCheck ocspCheck = OcspCheck.OFF;
        private Provider provider = Provider.JDK;

        private Builder() {
        }

        public Builder cafile(Path p) { cafile = p; return this; }
        public Builder capath(Path p) { capath = p; return this; }
        public Builder certfile(Path p) { certfile = p; return this; }
        public Builder keyfile(Path p) { keyfile = p; return this; }
        public Builder tlsVersion(String v) { tlsVersion = v; return this; }
        public Builder ciphers(String c) { ciphers = c; return this; }
        public Builder ciphersTls13(String c) { ciphersTls13 = c; return this; }
        public Builder requireCertificate(boolean b) { requireCertificate = b; return this; }
        public Builder useIdentityAsUsername(boolean b) { useIdentityAsUsername = b; return this; }
        public Builder useSubjectAsUsername(boolean b) { useSubjectAsUsername = b; return this; }
        public Builder crlfile(Path p) { crlfile = p; return this; }
        public Builder pskHint(String h) { pskHint = h; return this; }
        public Builder pskFile(Path p) { pskFile = p; return this; }
        public Builder tlsEngine(String e) { tlsEngine = e; return this; }
        public Builder keyform(String k) { keyform = k; return this; }
        public Builder tlsKeylog(Path p) { tlsKeylog = p; return this; }
        public Builder crlExpiredWarnOnly(boolean b) { crlExpiredWarnOnly = b; return this; }
        /** The server key in a PKCS#11 token, in place of keyfile (mosquitto's keyform engine). */
        public Builder tokenKey(Pkcs11Uri uri) { tokenKey = uri; keyform = "engine"; tlsEngine = "pkcs11"; return this; }
        public Builder tokenPinSha1(String sha1) { tokenPinSha1 = sha1; return this; }
        public Builder ocspCheck(OcspCheck check) { ocspCheck = check; return this; }
        /** Provider.OPENSSL needs netty-tcnative-boringssl-static (and -classes) on the class path. */
        public Builder provider(Provider p) { provider = p; return this; }

        /** @throws IllegalStateException without certfile, or without keyfile or tokenKey: the listener would not be TLS */
        public TlsOptions build() {
            if (certfile == null || (keyfile == null && tokenKey == null)) {
                throw new IllegalStateException("a TLS listener needs certfile and keyfile");
            }
            return new TlsOptions(cafile, capath, certfile, keyfile, tlsVersion, ciphers, ciphersTls13,
                    requireCertificate, useIdentityAsUsername, useSubjectAsUsername, crlfile, pskHint, pskFile,
                    tlsEngine, keyform, tlsKeylog, crlExpiredWarnOnly, tokenKey, tokenPinSha1, ocspCheck, provider);
        }
    }

    /**
     * A listener is TLS-PSK when it has a psk_hint and no certfile (mosquitto would offer both on
     * one with a certfile; Midge serves certificates only there, with a warning).
     */
    public boolean pskListener() {
        return pskHint != null && certfile == null;
    }
}
