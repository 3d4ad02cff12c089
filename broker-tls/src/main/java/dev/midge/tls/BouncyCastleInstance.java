package dev.midge.tls;

import org.bouncycastle.jce.provider.BouncyCastleProvider;

import java.security.Provider;

/**
 * The one private BouncyCastle provider that {@link BouncyCastleEcdsa} and {@link BouncyCastleX25519}
 * delegate to. A {@link BouncyCastleProvider} registers some 3,500 services that stay on the heap for
 * as long as the broker runs (1–3 MiB, measured), and neither delegate needs an instance of its own.
 */
final class BouncyCastleInstance {

    private static final Provider PROVIDER = new BouncyCastleProvider();

    private BouncyCastleInstance() {
    }

    static Provider get() {
        return PROVIDER;
    }
}
