package dev.midge.tls;

/**
 * The IANA code points of TLS 1.2 PSK cipher suites (RFC 4279, 4785, 5487, 5489, 6209, 6367,
 * 6655, 7905, 8442), to tell a PSK client's ClientHello from a certificate client's: OpenSSL
 * clients offer them only with a PSK configured.
 */
final class PskCipherSuiteCodes {

    private static final int[][] RANGES = {
            {0x002C, 0x002E},   // NULL PSK
            {0x008A, 0x0095},   // RC4/3DES/AES-CBC PSK, DHE-PSK, RSA-PSK
            {0x00A8, 0x00B9},   // AES-GCM and CBC-SHA256/384 PSK
            {0xC033, 0xC03B},   // ECDHE-PSK
            {0xC064, 0xC06B},   // ARIA PSK
            {0xC08E, 0xC095},   // Camellia PSK
            {0xC0A4, 0xC0AB},   // AES-CCM PSK
            {0xCCAB, 0xCCAE},   // ChaCha20-Poly1305 PSK
            {0xD001, 0xD005},   // ECDHE-PSK AES-GCM/CCM
    };

    private PskCipherSuiteCodes() {
    }

    static boolean isPsk(int code) {
        for (int[] range : RANGES) {
            if (code >= range[0] && code <= range[1]) {
                return true;
            }
        }
        return false;
    }
}
