package dev.midge.tls;

import org.bouncycastle.tls.AlertDescription;

/**
 * Why a TLS-PSK handshake failed, in the words an operator looks for: which identity, and
 * whether it was unknown or its key did not match, rather than the TLS alert's name alone.
 */
final class PskRefusal {

    private PskRefusal() {
    }

    static String describe(PskTlsServer server, Throwable cause) {
        short alert = PskTlsHandler.alertOf(cause);
        String identity = server.offeredIdentity();
        if (identity != null && server.identityKnown() && PskTlsServer.meansWrongKey(alert)) {
            return "bad PSK for identity " + PeerText.forLog(identity) + " (the client's key differs from the psk_file's)";
        }
        if (identity != null && !server.identityKnown()) {
            return "unknown PSK identity " + PeerText.forLog(identity) + " (not in the psk_file)";
        }
        if (alert == AlertDescription.handshake_failure || alert == AlertDescription.insufficient_security) {
            return "no TLS-PSK cipher suite in common (the client offered no PSK, or only suites Midge does not serve)";
        }
        if (alert == AlertDescription.protocol_version) {
            return "protocol version not accepted (the client's TLS version is not one tls_version allows)";
        }
        String name = alert >= 0 ? AlertDescription.getText(alert) : cause.getClass().getSimpleName();
        return name + (cause.getMessage() != null ? ": " + PeerText.forLog(cause.getMessage()) : "");
    }
}
