package dev.midge.tls;

import java.util.List;
import java.util.Locale;

/**
 * A refused handshake's reason as one word, for counting ({@code $SYS/broker/midge/tls/refusals/REASON},
 * {@code midge_tls_refusals_total{reason=...}}): read from the words {@link HandshakeRefusal} logs, so the
 * count and the log line never disagree.
 */
final class RefusalReason {

    /** Every reason, so a scrape shows zeros before the first refusal. */
    static final List<String> ALL = List.of("revoked", "expired", "not_yet_valid", "unknown_ca", "crl_unusable",
            "no_certificate", "bad_common_name", "untrusted", "protocol_version", "no_shared_cipher", "not_tls",
            "timeout", "client_refused_server_certificate", "bad_psk", "unknown_psk_identity", "other");

    private RefusalReason() {
    }

    /** A TLS-PSK refusal, from the words {@link PskRefusal} logs. */
    static String ofPsk(String described) {
        if (described.startsWith("bad PSK")) {
            return "bad_psk";
        }
        if (described.startsWith("unknown PSK identity")) {
            return "unknown_psk_identity";
        }
        if (described.startsWith("no TLS-PSK cipher suite")) {
            return "no_shared_cipher";
        }
        if (described.startsWith("protocol version")) {
            return "protocol_version";
        }
        return "other";
    }

    static String of(Throwable failure) {
        String text = HandshakeRefusal.describe(failure).toLowerCase(Locale.ROOT);
        boolean certificate = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            certificate |= t instanceof CertificateRefusal;
        }
        if (certificate) {
            if (text.contains("revoked")) {
                return "revoked";
            }
            if (text.contains("the crl") || text.contains("crlfile")) {
                return "crl_unusable";
            }
            if (text.contains("expired")) {
                return "expired";
            }
            if (text.contains("not yet valid")) {
                return "not_yet_valid";
            }
            if (text.contains("unknown ca")) {
                return "unknown_ca";
            }
            if (text.contains("no client certificate")) {
                return "no_certificate";
            }
            if (text.contains("use_identity_as_username")) {
                return "bad_common_name";
            }
            return "untrusted";
        }
        if (text.startsWith("protocol version")) {
            return "protocol_version";
        }
        if (text.startsWith("no shared cipher")) {
            return "no_shared_cipher";
        }
        if (text.startsWith("no client certificate")) {
            return "no_certificate";
        }
        if (text.startsWith("not tls")) {
            return "not_tls";
        }
        if (text.startsWith("handshake timed out")) {
            return "timeout";
        }
        if (text.startsWith("the client refused")) {
            return "client_refused_server_certificate";
        }
        return "other";
    }
}
