package dev.midge.conf.pkcs11;

/** A token, or the key a PKCS#11 URI names in it, cannot be used; the message says why in words. */
public final class TokenException extends Exception {

    public TokenException(String message) {
        super(message);
    }
}
