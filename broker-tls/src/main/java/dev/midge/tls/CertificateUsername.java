package dev.midge.tls;

import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1NumericString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1T61String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.ASN1UniversalString;
import org.bouncycastle.asn1.ASN1VisibleString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Map;

/**
 * The MQTT username a client certificate stands for, as mosquitto derives it:
 * {@code use_identity_as_username} takes the subject's CN; {@code use_subject_as_username}
 * takes the whole subject as OpenSSL's {@code X509_NAME_print_ex(..., XN_FLAG_RFC2253)} prints
 * it (most specific first, OpenSSL short names, "," and "+" without spaces, RFC 2253 escaping,
 * non-ASCII bytes as \XX). Existing ACL files name users in exactly that format, so it must match
 * byte for byte; Java's own RFC 2253 form differs (raw UTF-8, OIDs for emailAddress).
 */
public final class CertificateUsername {

    /** OpenSSL's short names for the attribute types found in certificate subjects. */
    private static final Map<String, String> SHORT_NAMES = Map.ofEntries(
            Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"),
            Map.entry("2.5.4.8", "ST"), Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"),
            Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.5", "serialNumber"), Map.entry("2.5.4.4", "SN"),
            Map.entry("2.5.4.42", "GN"), Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.43", "initials"),
            Map.entry("2.5.4.44", "generationQualifier"), Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"), Map.entry("2.5.4.17", "postalCode"),
            Map.entry("2.5.4.15", "businessCategory"), Map.entry("2.5.4.41", "name"),
            Map.entry("2.5.4.97", "organizationIdentifier"),
            Map.entry("1.2.840.113549.1.9.1", "emailAddress"),
            Map.entry("0.9.2342.19200300.100.1.25", "DC"), Map.entry("0.9.2342.19200300.100.1.1", "UID"));

    private static final String RFC2253_SPECIALS = ",+\"\\<>;";

    private CertificateUsername() {
    }

    /**
     * The subject's first CN as a username, or null if it has none or one mosquitto would not
     * take as a username (see {@link CommonNameUsername}: BMPString, control characters, ...).
     */
    public static String commonName(X509Certificate certificate) {
        return CommonNameUsername.of(certificate).username();
    }

    /** The subject in mosquitto's {@code use_subject_as_username} format, e.g. "CN=dev1,O=Acme,C=GB". */
    public static String subject(X509Certificate certificate) {
        return opensslRfc2253(x500Subject(certificate));
    }

    static String opensslRfc2253(X500Name name) {
        StringBuilder out = new StringBuilder();
        RDN[] rdns = name.getRDNs();
        for (int i = rdns.length - 1; i >= 0; i--) {       // XN_FLAG_DN_REV: most specific first
            // OpenSSL reverses the flat list of entries, so a multi-valued RDN's values come out
            // in reverse DER order too ("OU=Sensors+L=Leeds" for DER order L, OU).
            AttributeTypeAndValue[] avas = rdns[i].getTypesAndValues();
            for (int j = avas.length - 1; j >= 0; j--) {
                out.append(j < avas.length - 1 ? "+" : i == rdns.length - 1 ? "" : ",");
                append(out, avas[j]);
            }
        }
        return out.toString();
    }

    private static void append(StringBuilder out, AttributeTypeAndValue ava) {
        ASN1ObjectIdentifier type = ava.getType();
        String shortName = SHORT_NAMES.get(type.getId());
        ASN1Primitive value = ava.getValue().toASN1Primitive();
        String text = shortName == null ? null : text(value);
        out.append(shortName == null ? type.getId() : shortName).append('=');
        if (text == null) {
            // Unknown attribute or a non-string value: OpenSSL dumps the DER as #hex.
            out.append('#').append(HexFormat.of().withUpperCase().formatHex(Asn1Text.der(value)));
        } else {
            escape(out, text);
        }
    }

    private static void escape(StringBuilder out, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < utf8.length; i++) {
            int b = utf8[i] & 0xff;
            boolean first = i == 0;
            boolean last = i == utf8.length - 1;
            if (b >= 0x80 || b < 0x20 || b == 0x7f) {
                out.append('\\').append(String.format("%02X", b));
            } else if (RFC2253_SPECIALS.indexOf(b) >= 0 || (first && (b == '#' || b == ' ')) || (last && b == ' ')) {
                out.append('\\').append((char) b);
            } else {
                out.append((char) b);
            }
        }
    }

    /** The string value as OpenSSL decodes each string type, or null for a type it dumps as hex. */
    private static String text(ASN1Primitive value) {
        if (value instanceof ASN1UTF8String) {
            // Strictly: BouncyCastle throws on malformed UTF-8, and a lenient decoding would let
            // two different names become the same username. Null makes the CN unusable (the
            // client is refused) and the subject shows it as #hex, as for other undecodable values.
            return Asn1Text.strictUtf8(Asn1Text.octets(value));
        }
        if (value instanceof ASN1PrintableString || value instanceof ASN1IA5String || value instanceof ASN1NumericString
                || value instanceof ASN1VisibleString || value instanceof ASN1T61String) {
            return new String(Asn1Text.octets(value), StandardCharsets.ISO_8859_1);
        }
        if (value instanceof ASN1BMPString) {
            return new String(Asn1Text.octets(value), StandardCharsets.UTF_16BE);
        }
        if (value instanceof ASN1UniversalString) {
            return new String(Asn1Text.octets(value), Charset.forName("UTF-32BE"));
        }
        return null;
    }



    private static X500Name x500Subject(X509Certificate certificate) {
        return X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    }
}
