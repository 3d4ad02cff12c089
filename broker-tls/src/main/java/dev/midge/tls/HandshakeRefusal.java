package dev.midge.tls;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;

import java.nio.channels.ClosedChannelException;
import java.security.cert.X509Certificate;
import java.util.Locale;

/**
 * Puts a failed handshake into words: the certificate and reason the trust manager gave, or,
 * for failures it never sees (protocol version, no shared cipher, no certificate, not TLS at
 * all), the cause read from JSSE's exception.
 */
final class HandshakeRefusal {

    private HandshakeRefusal() {
    }

    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof CertificateRefusal refusal) {
                X509Certificate certificate = refusal.certificate();
                return certificate == null ? refusal.getMessage()
                        : "certificate " + CertificateUsername.subject(certificate) + " serial "
                        + serial(certificate) + ": " + refusal.getMessage();
            }
        }
        Throwable cause = failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof SslHandshakeTimeoutException) {
            return "handshake timed out";
        }
        if (cause instanceof NotSslRecordException) {
            return "not TLS (a plain MQTT client on a TLS listener?)";
        }
        if (cause instanceof ClosedChannelException) {
            return "the client closed the connection during the handshake";
        }
        String message = String.valueOf(cause.getMessage());
        // BoringSSL (midge_tls_provider openssl) says "error:100000f0:SSL routines:OPENSSL_internal:
        // UNSUPPORTED_PROTOCOL": its reason code, read as words, names the same causes as JSSE's text.
        String boringSslReason = boringSslReason(message);
        if (boringSslReason != null) {
            message = boringSslReason;
        }
        String lower = message.toLowerCase(Locale.ROOT).replace('_', ' ');
        if (lower.contains("protocol") && (lower.contains("not enabled") || lower.contains("not accepted")
                || lower.contains("not supported") || lower.contains("unsupported") || lower.contains("version"))) {
            return "protocol version: " + message + " (Midge accepts TLS 1.2 and newer, as limited by tls_version)";
        }
        if (lower.contains("no cipher suites in common") || lower.contains("no shared cipher")) {
            return "no shared cipher: the client offers none of the suites this listener enables (ciphers/ciphers_tls1.3)";
        }
        if (lower.contains("empty client certificate chain") || lower.contains("certificate required")
                || lower.contains("peer did not return a certificate")) {
            return "no client certificate (require_certificate is true)";
        }
        if (lower.contains("insufficient buffer remaining for aead cipher fragment")
                || (boringSslReason != null && lower.equals("bad packet length"))) {
            // A TLS 1.3 client that refuses our certificate sends its alert unencrypted, while JSSE
            // already reads the client's flight as encrypted: this is how that refusal surfaces.
            return "the client refused the server certificate: does it trust the CA of certfile? is the host name in"
                    + " the certificate?";
        }
        if (lower.contains("received fatal alert") || (boringSslReason != null && lower.contains(" alert "))) {
            return "the client refused the handshake (" + message + "); does it trust the CA of certfile?";
        }
        if (lower.contains("connection closed") || lower.contains("closed while")) {
            return "the client closed the connection during the handshake";
        }
        return message;
    }

    /** "UNSUPPORTED_PROTOCOL" from BoringSSL's "error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL", else null. */
    private static String boringSslReason(String message) {
        int internal = message.indexOf("OPENSSL_internal:");
        if (!message.startsWith("error:") || internal < 0) {
            return null;
        }
        String reason = message.substring(internal + "OPENSSL_internal:".length()).strip();
        return reason.isEmpty() ? null : reason;
    }

    /** The client went away before the handshake finished: a port probe, not a refusal. */
    static boolean isHangUp(Throwable failure) {
        Throwable cause = failure instanceof DecoderException && failure.getCause() != null ? failure.getCause() : failure;
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        return cause instanceof ClosedChannelException || message.contains("connection closed while");
    }

    /** Serials as OpenSSL and CA tools print them: hex. */
    static String serial(X509Certificate certificate) {
        return "0x" + certificate.getSerialNumber().toString(16);
    }
}
