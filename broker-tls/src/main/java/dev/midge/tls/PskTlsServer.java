package dev.midge.tls;

import dev.midge.conf.OpenSslCipherString;
import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.BasicTlsPSKExternal;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.PRFAlgorithm;
import org.bouncycastle.tls.PSKTlsServer;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.PskIdentity;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsPSKExternal;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.TlsPSKIdentityManager;
import org.bouncycastle.tls.crypto.TlsCrypto;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Vector;
import java.util.function.Function;

/**
 * BouncyCastle's server side of one TLS-PSK handshake: keys come from the psk_file in force when
 * the client names its identity, and the identity the client offered is remembered for the
 * username and for the refusal line. ECDHE-PSK is preferred over DHE-PSK over plain PSK (our
 * order wins, not the client's), and TLS 1.3 takes the client's external PSK (psk_dhe_ke).
 */
final class PskTlsServer extends PSKTlsServer {

    /** TLS 1.2 suites in our order of preference: forward secrecy first, AEAD before CBC. */
    private static final int[] TLS12_SUITES = {
            CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_DHE_PSK_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_DHE_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_256_CBC_SHA384,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
    };

    /** An external PSK is bound to SHA-256 (as OpenSSL's PSK callbacks bind it), so these two. */
    private static final int[] TLS13_SUITES = {
            CipherSuite.TLS_AES_128_GCM_SHA256,
            CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    };

    /** The IANA names of {@link #TLS12_SUITES}, as conf's OpenSSL cipher-string evaluation gives them. */
    private static final Map<String, Integer> TLS12_BY_NAME = Map.ofEntries(
            Map.entry("TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256),
            Map.entry("TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256),
            Map.entry("TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", CipherSuite.TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384),
            Map.entry("TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256),
            Map.entry("TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_DHE_PSK_WITH_AES_256_GCM_SHA384),
            Map.entry("TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_DHE_PSK_WITH_AES_128_GCM_SHA256),
            Map.entry("TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256),
            Map.entry("TLS_PSK_WITH_AES_256_GCM_SHA384", CipherSuite.TLS_PSK_WITH_AES_256_GCM_SHA384),
            Map.entry("TLS_PSK_WITH_AES_128_GCM_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256),
            Map.entry("TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", CipherSuite.TLS_PSK_WITH_CHACHA20_POLY1305_SHA256),
            Map.entry("TLS_PSK_WITH_AES_256_CBC_SHA384", CipherSuite.TLS_PSK_WITH_AES_256_CBC_SHA384),
            Map.entry("TLS_PSK_WITH_AES_128_CBC_SHA256", CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256));

    private final boolean tls13Only;
    private final int[] tls12Suites;
    private volatile String offeredIdentity;
    private volatile boolean identityKnown;

    /**
     * @param keys      the key for an identity, or null if it has none (the psk_file in force)
     * @param hint      psk_hint, sent to TLS 1.2 clients
     * @param tls13Only tls_version tlsv1.3
     * @param tls12Suites the TLS 1.2 suites to offer, best first (see {@link #tls12Suites(String)})
     */
    PskTlsServer(TlsCrypto crypto, String hint, Function<String, byte[]> keys, boolean tls13Only, int[] tls12Suites) {
        super(crypto, new IdentityManager(hint, keys));
        ((IdentityManager) pskIdentityManager).server = this;
        this.tls13Only = tls13Only;
        this.tls12Suites = tls12Suites.clone();
    }

    /**
     * The TLS 1.2 suites a listener offers: all of ours in our order without a {@code ciphers}
     * line; with one, those it selects in the order OpenSSL puts them (as mosquitto's OpenSSL
     * would). TLS 1.3 is not affected, as in OpenSSL, where {@code ciphers} is TLS 1.2 only.
     *
     * @param ciphers the listener's {@code ciphers}, or null
     */
    static int[] tls12Suites(String ciphers) {
        if (ciphers == null) {
            return TLS12_SUITES.clone();
        }
        return OpenSslCipherString.selectPsk(ciphers).suites().stream()
                .filter(TLS12_BY_NAME::containsKey).mapToInt(TLS12_BY_NAME::get).toArray();
    }

    /** The identity the client offered (decoded), or null if it offered none yet or one that is not UTF-8. */
    String offeredIdentity() {
        return offeredIdentity;
    }

    /** Whether the offered identity has a key in the psk_file. */
    boolean identityKnown() {
        return identityKnown;
    }

    @Override
    protected ProtocolVersion[] getSupportedVersions() {
        return tls13Only ? ProtocolVersion.TLSv13.only() : ProtocolVersion.TLSv13.downTo(ProtocolVersion.TLSv12);
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        int[] suites = new int[TLS13_SUITES.length + tls12Suites.length];
        System.arraycopy(TLS13_SUITES, 0, suites, 0, TLS13_SUITES.length);
        System.arraycopy(tls12Suites, 0, suites, TLS13_SUITES.length, tls12Suites.length);
        return suites;
    }

    @Override
    protected boolean preferLocalCipherSuites() {
        return true;
    }

    @Override
    public TlsPSKExternal getExternalPSK(Vector identities) {
        for (Object offered : identities) {
            byte[] identity = ((PskIdentity) offered).getIdentity();
            byte[] key = lookUp(identity);
            if (key != null) {
                return new BasicTlsPSKExternal(identity, getCrypto().createSecret(key), PRFAlgorithm.tls13_hkdf_sha256);
            }
        }
        return null;
    }

    /**
     * TLS 1.3 asks for a certificate only when no offered PSK was usable: an unknown identity,
     * or a known one whose binder did not verify because the client's key differs. This
     * listener has no certificate, so the handshake ends here with the right alert.
     */
    @Override
    public TlsCredentials getCredentials() throws IOException {
        if (TlsUtils.isTLSv13(context)) {
            throw identityKnown
                    ? new TlsFatalAlert(AlertDescription.decrypt_error, "the PSK binder did not verify")
                    : new TlsFatalAlert(AlertDescription.handshake_failure, "no known PSK identity offered");
        }
        return super.getCredentials();
    }

    /** Records the identity and returns its key; an identity that is not UTF-8 has none. */
    private byte[] lookUp(byte[] identity) {
        String text = Asn1Text.strictUtf8(identity);
        if (offeredIdentity == null || !identityKnown) {
            offeredIdentity = text != null ? text : "(not UTF-8)";
        }
        byte[] key = text == null ? null : keys().apply(text);
        if (key != null) {
            offeredIdentity = text;
            identityKnown = true;
        }
        return key;
    }

    private Function<String, byte[]> keys() {
        return ((IdentityManager) pskIdentityManager).keys;
    }


    /** Alerts that mean "the key did not match" once the identity was found. */
    static boolean meansWrongKey(short alert) {
        return alert == AlertDescription.decrypt_error || alert == AlertDescription.bad_record_mac
                || alert == AlertDescription.illegal_parameter;
    }

    private static final class IdentityManager implements TlsPSKIdentityManager {
        private final byte[] hint;
        private final Function<String, byte[]> keys;
        private PskTlsServer server;

        IdentityManager(String hint, Function<String, byte[]> keys) {
            this.hint = hint == null ? null : hint.getBytes(StandardCharsets.UTF_8);
            this.keys = keys;
        }

        @Override
        public byte[] getHint() {
            return hint;
        }

        @Override
        public byte[] getPSK(byte[] identity) {
            return server.lookUp(identity);
        }
    }
}
