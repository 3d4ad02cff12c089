package dev.midge.tls;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;
import java.security.interfaces.ECKey;
import java.util.List;
import java.util.Map;

/**
 * Makes the JDK's TLS compute ECDSA signatures with BouncyCastle's code. A mutual-TLS handshake
 * with EC keys signs once (CertificateVerify) and verifies twice (the client's CertificateVerify
 * and its certificate); on JDK 17 SunEC takes milliseconds for each, BouncyCastle's P-256 a
 * fraction of that, and the handshake rate is bound by exactly this.
 *
 * <p>JSSE asks the JCA for its signatures by name, never by provider, so the only way in is a
 * provider ahead of SunEC. This one offers nothing but the ECDSA signatures, delegating to a
 * private BouncyCastle instance ({@link EcdsaSignatureSpi}): ciphers, digests and key agreement stay with the JDK (its
 * AES-GCM uses the CPU's instructions; BouncyCastle's would not). A key BouncyCastle cannot
 * take (a hardware token's, say) is refused at init, and the JCA then falls back to SunEC.
 *
 * <p>It is a JVM-wide setting, made once when the first TLS listener is built; an embedding
 * application that wants the JDK's own keeps it with {@code -Dmidge.tls.ecdsa=jdk}; one whose own TLS
 * clients should be as fast may call {@link #install()} itself.
 */
public final class BouncyCastleEcdsa {

    static final String PROVIDER_NAME = "MidgeBouncyCastleEcdsa";
    static final String OPT_OUT_PROPERTY = "midge.tls.ecdsa";

    private static final Logger LOG = LoggerFactory.getLogger(BouncyCastleEcdsa.class);

    /** Signature name and its OIDs (X.509 names the algorithm of a certificate's signature by OID). */
    private static final Map<String, List<String>> SIGNATURES = Map.of(
            "SHA256withECDSA", List.of("1.2.840.10045.4.3.2", "OID.1.2.840.10045.4.3.2"),
            "SHA384withECDSA", List.of("1.2.840.10045.4.3.3", "OID.1.2.840.10045.4.3.3"),
            "SHA512withECDSA", List.of("1.2.840.10045.4.3.4", "OID.1.2.840.10045.4.3.4"));

    private BouncyCastleEcdsa() {
    }

    /** Puts the provider first, once per JVM, unless opted out. */
    public static synchronized void install() {
        if ("jdk".equalsIgnoreCase(System.getProperty(OPT_OUT_PROPERTY)) || Security.getProvider(PROVIDER_NAME) != null) {
            return;
        }
        Security.insertProviderAt(new EcdsaOnly(), 1);
        LOG.debug("ECDSA signatures for TLS now computed by BouncyCastle ({}=jdk turns this off)", OPT_OUT_PROPERTY);
    }

    private static final class EcdsaOnly extends Provider {

        EcdsaOnly() {
            super(PROVIDER_NAME, "1.0", "ECDSA signatures (SHA-256/384/512) by BouncyCastle, for TLS handshakes");
            Provider bouncyCastle = BouncyCastleInstance.get();
            SIGNATURES.forEach((name, aliases) -> putService(new EcdsaService(this, name, aliases, bouncyCastle)));
        }
    }

    /** A signature of ours, for EC keys only, whose work BouncyCastle does. */
    private static final class EcdsaService extends Provider.Service {

        private final Provider bouncyCastle;

        EcdsaService(Provider provider, String algorithm, List<String> aliases, Provider bouncyCastle) {
            super(provider, "Signature", algorithm, EcdsaSignatureSpi.class.getName(), aliases, null);
            this.bouncyCastle = bouncyCastle;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            return new EcdsaSignatureSpi(getAlgorithm(), bouncyCastle);
        }

        @Override
        public boolean supportsParameter(Object key) {
            return key instanceof ECKey;
        }
    }
}
