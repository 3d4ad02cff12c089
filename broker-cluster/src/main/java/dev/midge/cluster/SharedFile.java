package dev.midge.cluster;

import org.bouncycastle.asn1.x509.CRLNumber;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.cert.X509CRLHolder;
import org.bouncycastle.openssl.PEMParser;

import java.io.IOException;
import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.TreeSet;

/**
 * A security file whose contents every node must agree on, while each node keeps its own path:
 * a CRL (the newest is the one with the highest CRL number), or an ACL, password file or CA chain
 * (which carry no version of their own, so the cluster gives each change one: the newest change wins).
 *
 * @param key       its name in the replicated cache: the same on every node for the same content
 * @param path      this node's file
 * @param kind      how versions are told apart, and what the file is called in log lines
 * @param listeners the listeners (port, or unix socket path) whose own file this is ({@code per_listener_settings},
 *                  or CA files that differ per listener); empty for the broker-wide file
 */
record SharedFile(String key, Path path, Kind kind, String listeners) {

    enum Kind {
        CRL("crl", "crlfile"), ACL("acl", "acl_file"), PASSWORD("password", "password_file"), CA("cafile", "cafile");

        /** The key of the broker-wide file, and the start of a per-listener key. */
        final String key;
        /** The mosquitto.conf option that names the file, for people. */
        final String option;

        Kind(String key, String option) {
            this.key = key;
            this.option = option;
        }
    }

    static SharedFile crl(Path path) {
        return new SharedFile(Kind.CRL.key, path, Kind.CRL, "");
    }

    static SharedFile acl(Path path) {
        return new SharedFile(Kind.ACL.key, path, Kind.ACL, "");
    }

    static SharedFile global(Kind kind, Path path) {
        return new SharedFile(kind.key, path, kind, "");
    }

    /**
     * The file several listeners (or one) name as their own: the key is made of the kind and the
     * listeners, not of the path, so nodes with the same listener layout agree on it whatever their
     * paths, and files of different listeners never share a key. A file named by two listeners has
     * one key for both ({@code acl@1883+8883}): it must not take the contents of either alone.
     */
    static SharedFile ofListeners(Kind kind, Path path, Collection<String> listeners) {
        String ids = String.join("+", new TreeSet<>(listeners));
        return new SharedFile(kind.key + "@" + ids, path, kind, ids);
    }

    /** "acl_file data/acl" or "acl_file data/acl-1883 of listener 1883", for log lines. */
    String describe() {
        return kind.option + " " + path + (listeners.isEmpty() ? "" : " of listener " + listeners);
    }

    /** Whether versions are CRL numbers (otherwise the cluster numbers each change). */
    boolean versionedByCrlNumber() {
        return kind == Kind.CRL;
    }

    /** Why this content must not be shared (a CA file holding anything but certificates), or null. */
    String refusal(byte[] content) {
        return kind == Kind.CA ? CaChainContent.refusal(content) : null;
    }

    /** A CRL's number (RFC 5280 §5.2.3); -1 if the file holds no readable CRL or it has none. */
    static long crlNumber(byte[] file) {
        try {
            X509CRLHolder crl;
            String text = new String(file, StandardCharsets.US_ASCII);
            if (text.contains("-----BEGIN X509 CRL-----")) {
                try (PEMParser parser = new PEMParser(new StringReader(text))) {
                    Object o = parser.readObject();
                    if (!(o instanceof X509CRLHolder holder)) {
                        return -1;
                    }
                    crl = holder;
                }
            } else {
                crl = new X509CRLHolder(file);
            }
            Extension number = crl.getExtension(Extension.cRLNumber);
            if (number == null) {
                return -1;
            }
            BigInteger n = CRLNumber.getInstance(number.getParsedValue()).getCRLNumber();
            return n.bitLength() < 63 ? n.longValue() : Long.MAX_VALUE;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
