package dev.midge.pki;

/**
 * A request the certificate authority refuses, or a data directory it cannot use, with a
 * message a person can act on ("RSA key of 1024 bits is below the profile's minimum of 2048").
 * Callers print the message, not a stack trace: it is the user's mistake, not a bug.
 */
public class PkiException extends RuntimeException {

    public PkiException(String message) {
        super(message);
    }

    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
