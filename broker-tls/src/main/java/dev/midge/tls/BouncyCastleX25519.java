package dev.midge.tls;

import org.bouncycastle.jcajce.interfaces.XDHKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.Key;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.Security;

/**
 * Makes the JDK's TLS compute its X25519 key exchange with BouncyCastle's code, beside
 * {@link BouncyCastleEcdsa}. X25519 is the group TLS 1.3 clients offer first (OpenSSL, so mosquitto's
 * clients, and the JDK), so every full handshake generates one key pair and agrees once; JDK 17's
 * XDH takes about 2.5 times as long as BouncyCastle's for that.
 *
 * <p>JSSE asks the JCA for "XDH" key pair generators, key factories and key agreements by name, so
 * this provider, ahead of SunEC, offers exactly those three and delegates to a private BouncyCastle
 * instance for X25519 (X448 keys are still made and agreed by SunEC). Key agreement takes only
 * BouncyCastle's keys (those our generator and factory made); the JDK's own XEC keys go to SunEC. A JVM-wide setting made when the first TLS listener is
 * built; {@code -Dmidge.tls.x25519=jdk} keeps the JDK's.
 */
public final class BouncyCastleX25519 {

    static final String PROVIDER_NAME = "MidgeBouncyCastleXdh";
    static final String OPT_OUT_PROPERTY = "midge.tls.x25519";

    private static final Logger LOG = LoggerFactory.getLogger(BouncyCastleX25519.class);

    private BouncyCastleX25519() {
    }

    /** Puts the provider first, once per JVM, unless opted out. */
    public static synchronized void install() {
        if ("jdk".equalsIgnoreCase(System.getProperty(OPT_OUT_PROPERTY)) || Security.getProvider(PROVIDER_NAME) != null) {
            return;
        }
        Security.insertProviderAt(new XdhOnly(), 1);
        LOG.debug("X25519 key exchange for TLS now computed by BouncyCastle ({}=jdk turns this off)", OPT_OUT_PROPERTY);
    }

    private static final class XdhOnly extends Provider {

        XdhOnly() {
            super(PROVIDER_NAME, "1.0", "XDH key pairs, key factory and key agreement by BouncyCastle, for TLS handshakes");
            Provider bouncyCastle = BouncyCastleInstance.get();
            putService(new Delegate(this, "KeyPairGenerator", bouncyCastle));
            putService(new Delegate(this, "KeyAgreement", bouncyCastle));
            putService(new Delegate(this, "KeyFactory", bouncyCastle));
        }
    }

    /** One of BouncyCastle's XDH services, offered as ours. */
    private static final class Delegate extends Provider.Service {

        private final Provider bouncyCastle;

        Delegate(Provider provider, String type, Provider bouncyCastle) {
            super(provider, type, "XDH", bouncyCastle.getService(type, "XDH").getClassName(), null, null);
            this.bouncyCastle = bouncyCastle;
        }

        @Override
        public Object newInstance(Object constructorParameter) throws NoSuchAlgorithmException {
            if (getType().equals("KeyFactory")) {
                return new XdhKeyFactorySpi(bouncyCastle);
            }
            if (getType().equals("KeyPairGenerator")) {
                return new XdhKeyPairGeneratorSpi(bouncyCastle);
            }
            return bouncyCastle.getService(getType(), "XDH").newInstance(constructorParameter);
        }

        @Override
        public boolean supportsParameter(Object key) {
            // Only KeyAgreement is asked: BouncyCastle's keys here, the JDK's stay with SunEC.
            return key instanceof XDHKey && key instanceof Key;
        }
    }
}
