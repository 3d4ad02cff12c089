package dev.midge.tls;

import dev.midge.conf.TlsOptions;
import dev.midge.conf.pkcs11.TokenException;
import dev.midge.conf.pkcs11.TokenKey;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Set;

/**
 * One consistent generation of a listener's TLS material: the SslContext built from certfile,
 * keyfile, cafile/capath and crlfile as they were on disk at one moment. Built off the event
 * loop by {@link #load}; swapped whole on reload, so a handshake never sees a new certificate
 * with an old key.
 *
 * @param sslContext the context new handshakes use
 * @param crl        the CRL in force, or null without a crlfile
 * @param trusted    the CA certificates of cafile/capath (where OCSP checks find a leaf's issuer)
 */
record TlsMaterial(SslContext sslContext, RevocationList crl, List<X509Certificate> trusted) {

    /**
     * Sessions a listener remembers for resumption (TLS 1.2 session ids; TLS 1.3 tickets are kept by
     * the client). The JDK's default, 20,480 sessions each holding its peer's parsed chain, would be
     * tens of MB for a broker that should idle in a few; a reconnect storm of more devices than this
     * costs full handshakes for the rest, which is what it would cost without resumption.
     */
    static final int SESSION_CACHE_SIZE = 4096;
    /**
     * How long a session (and a TLS 1.3 ticket) may be resumed: an hour, not the JDK's day, since a
     * resumed session is one whose certificate was checked once and is only re-checked against the
     * CRL and its expiry ({@link SessionRecheck}).
     */
    static final int SESSION_TIMEOUT_SECONDS = 3600;

    /**
     * @param knownIssuers intermediates learnt from earlier handshakes, kept across reloads
     */
    static TlsMaterial load(TlsOptions options, KnownIssuers knownIssuers) throws TlsFileException, SSLException {
        Path certfile = options.certfile();
        if (certfile == null) {
            throw new IllegalArgumentException("a TLS listener needs a certfile");
        }
        if (options.keyfile() == null && options.tokenKey() == null) {
            throw new TlsFileException(certfile, "certfile is set but keyfile is not");
        }
        List<X509Certificate> chain = PemFiles.certificates(certfile);
        SslContextBuilder builder;
        if (options.tokenKey() != null) {
            PrivateKey key = tokenKey(options, certfile);
            checkKeyMatches(key, chain.get(0), certfile, "the key " + options.tokenKey() + " in the token", certfile);
            builder = SslContextBuilder.forServer(new TokenKeyManager(key, chain.toArray(X509Certificate[]::new)));
        } else {
            PrivateKey key = PemFiles.privateKey(options.keyfile());
            checkKeyMatches(key, chain.get(0), options.keyfile(), "the private key", certfile);
            builder = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new));
        }

        List<X509Certificate> trusted = TrustedCertificates.load(options.cafile(), options.capath());
        KeyStrength.check(CipherSuites.securityLevel(options.ciphers()), certfile, chain,
                options.cafile() != null ? options.cafile() : options.capath(), trusted);
        boolean wantsCertificate = options.requireCertificate() || options.useIdentityAsUsername()
                || options.useSubjectAsUsername();
        if (wantsCertificate && trusted.isEmpty()) {
            throw new IllegalArgumentException("require_certificate/use_identity_as_username/use_subject_as_username"
                    + " need cafile or capath to verify client certificates against");
        }
        RevocationList crl = options.crlfile() == null ? null
                : RevocationList.load(options.crlfile(), trusted, knownIssuers);

        SslProvider provider = NativeTls.provider(options.provider());
        builder.sslProvider(provider)
                .protocols(protocols(options.tlsVersion()))
                .sessionCacheSize(SESSION_CACHE_SIZE)
                .sessionTimeout(SESSION_TIMEOUT_SECONDS);
        List<String> ciphers = provider == SslProvider.OPENSSL
                ? BoringSslSuites.select(options.ciphers(), options.ciphersTls13())
                : CipherSuites.select(options.ciphers(), options.ciphersTls13(),
                        Set.of(JdkTlsSuites.supported().getCipherSuites()),
                        List.of(JdkTlsSuites.defaults().getCipherSuites()));
        if (ciphers != null) {
            builder.ciphers(ciphers);
        }
        if (!trusted.isEmpty()) {
            builder.trustManager(new ClientCertificateVerifier(pkix(trusted), trusted, crl,
                    options.crlExpiredWarnOnly(), options.useIdentityAsUsername(), knownIssuers));
            // Without require_certificate a certificate is still asked for when it would name the
            // user; the broker then refuses a client without one (requiresClientCertificate).
            builder.clientAuth(options.requireCertificate() ? ClientAuth.REQUIRE
                    : wantsCertificate ? ClientAuth.OPTIONAL : ClientAuth.NONE);
        }
        SslContext context = provider == SslProvider.JDK ? ServerSessionCache.build(builder) : builder.build();
        return new TlsMaterial(context, crl, List.copyOf(trusted));
    }

    /** mosquitto's tls_version is the minimum; TLS 1.0 and 1.1 are never offered. */
    static String[] protocols(String tlsVersion) {
        if (tlsVersion == null || tlsVersion.equalsIgnoreCase("tlsv1.2")) {
            return new String[]{"TLSv1.3", "TLSv1.2"};
        }
        if (tlsVersion.equalsIgnoreCase("tlsv1.3")) {
            return new String[]{"TLSv1.3"};
        }
        throw new IllegalArgumentException("tls_version " + tlsVersion
                + " is not supported: Midge accepts tlsv1.2 (TLS 1.2 and 1.3) or tlsv1.3");
    }

    /**
     * keyform engine: the key stays in the PKCS#11 token; only a handle to it is held, and a
     * reload opens it again (the provider and login are kept per slot).
     */
    private static PrivateKey tokenKey(TlsOptions options, Path certfile) throws TlsFileException {
        try {
            return TokenKey.open(options.tokenKey(), options.tokenPinSha1()).key();
        } catch (TokenException e) {
            throw new TlsFileException(certfile, "keyfile " + options.tokenKey() + ": " + e.getMessage());
        }
    }

    /** Signs and verifies a probe: the one test that a key belongs to a certificate for any algorithm. */
    private static void checkKeyMatches(PrivateKey key, X509Certificate certificate, Path keyfile, String what,
                                        Path certfile) throws TlsFileException {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // Ed25519, Ed448 name their own signature
        };
        byte[] probe = "midge key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // A key of another algorithm than the certificate's lands here too.
        }
        throw new TlsFileException(keyfile, what + " does not match the certificate in " + certfile);
    }

    private static X509ExtendedTrustManager pkix(List<X509Certificate> trusted) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < trusted.size(); i++) {
                store.setCertificateEntry("ca-" + i, trusted.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509ExtendedTrustManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK's PKIX TrustManagerFactory has no X509ExtendedTrustManager");
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("building the JDK's PKIX trust manager failed", e);
        }
    }
}
