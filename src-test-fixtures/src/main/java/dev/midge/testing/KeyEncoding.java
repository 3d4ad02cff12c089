package dev.midge.testing;

/** How {@link TestPki} writes a private key to PEM: the three encodings a keyfile may use. */
public enum KeyEncoding {
    /** "BEGIN PRIVATE KEY": any algorithm. */
    PKCS8,
    /** "BEGIN RSA PRIVATE KEY": RSA only. */
    PKCS1,
    /** "BEGIN EC PRIVATE KEY": EC only. */
    SEC1
}
