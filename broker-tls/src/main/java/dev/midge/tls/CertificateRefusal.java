package dev.midge.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;

/**
 * Why a client certificate was refused, thrown from the trust manager so that JSSE fails the
 * handshake and the handshake listener can log one line from it. No stack trace: it is
 * expected, and the message says everything.
 */
final class CertificateRefusal extends CertificateException {

    private final transient X509Certificate certificate;

    CertificateRefusal(X509Certificate certificate, String reason) {
        super(reason);
        this.certificate = certificate;
    }

    /** The certificate the reason is about (the leaf, unless an intermediate failed). */
    X509Certificate certificate() {
        return certificate;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
