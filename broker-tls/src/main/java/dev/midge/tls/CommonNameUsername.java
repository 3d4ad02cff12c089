package dev.midge.tls;

import org.bouncycastle.asn1.ASN1BMPString;
import org.bouncycastle.asn1.ASN1IA5String;
import org.bouncycastle.asn1.ASN1NumericString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1PrintableString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.ASN1T61String;
import org.bouncycastle.asn1.ASN1UTF8String;
import org.bouncycastle.asn1.ASN1UniversalString;
import org.bouncycastle.asn1.ASN1VisibleString;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;

/**
 * The username {@code use_identity_as_username} takes from a client certificate: the subject's
 * first CN, accepted only where mosquitto would accept it. mosquitto takes the CN's raw bytes
 * (ASN1_STRING_get0_data), refuses them unless they are valid UTF-8 without control characters
 * (mosquitto_validate_utf8) and without an embedded NUL. So a UTF8String or an ASCII
 * Printable/IA5/Visible/NumericString names the user; a BMPString or UniversalString ("mon" is
 * 00 6D 00 6F 00 6E) never does; a TeletexString only when it is plain ASCII, because mosquitto
 * would read its other bytes as UTF-8 where OpenSSL prints them as Latin-1. Decoding those
 * encodings here instead would give a device an identity mosquitto never gives it, and let two
 * different subjects become one username.
 */
final class CommonNameUsername {

    /** Either the username or why the certificate's CN cannot be one. */
    record Result(String username, String refusal) {
    }

    private CommonNameUsername() {
    }

    static Result of(X509Certificate certificate) {
        X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
        // The first CN in DER order, as X509_NAME_get_index_by_NID finds it; in a multi-valued
        // RDN ("OU=x+CN=y") the CN itself, not the RDN's first value.
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue ava : rdn.getTypesAndValues()) {
                if (ava.getType().equals(BCStyle.CN)) {
                    return of(ava.getValue().toASN1Primitive());
                }
            }
        }
        return new Result(null, "certificate has no CN to use as the username");
    }

    private static Result of(ASN1Primitive value) {
        if (value instanceof ASN1UTF8String) {
            String text = Asn1Text.strictUtf8(Asn1Text.octets(value));
            return text == null ? refused("the CN (UTF8String) is not valid UTF-8") : checked(text, "UTF8String");
        }
        if (value instanceof ASN1PrintableString || value instanceof ASN1IA5String
                || value instanceof ASN1VisibleString || value instanceof ASN1NumericString) {
            return ascii(Asn1Text.octets(value), encoding(value));
        }
        if (value instanceof ASN1T61String) {
            Result ascii = ascii(Asn1Text.octets(value), "TeletexString");
            return ascii.username() != null ? ascii : refused("the CN is a TeletexString with bytes outside ASCII, "
                    + "which mosquitto reads as UTF-8 and OpenSSL prints as Latin-1; only a UTF8String or ASCII "
                    + "names a user");
        }
        if (value instanceof ASN1BMPString || value instanceof ASN1UniversalString) {
            return refused("the CN is a " + encoding(value) + ", which mosquitto refuses as a username (its raw "
                    + "bytes are not UTF-8); reissue the certificate with a UTF8String or PrintableString CN");
        }
        return refused("the CN is not a text string");
    }

    private static Result ascii(byte[] bytes, String encoding) {
        for (byte b : bytes) {
            if (b < 0x20 || b == 0x7f) {   // negative: a byte above 0x7f, not ASCII at all
                return refused(b < 0 ? "the CN (" + encoding + ") has bytes outside ASCII"
                        : "the CN (" + encoding + ") contains the control character " + codePoint(b));
            }
        }
        return new Result(new String(bytes, StandardCharsets.US_ASCII), null);
    }

    /** mosquitto_validate_utf8: no control characters and no noncharacters. */
    private static Result checked(String text, String encoding) {
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) {
                return refused("the CN (" + encoding + ") contains the control character " + codePoint(c));
            }
            if ((c >= 0xfdd0 && c <= 0xfdef) || (c & 0xfffe) == 0xfffe) {
                return refused("the CN (" + encoding + ") contains the noncharacter " + codePoint(c));
            }
            i += Character.charCount(c);
        }
        return new Result(text, null);
    }

    private static String codePoint(int c) {
        return String.format("U+%04X", c);
    }

    private static Result refused(String reason) {
        return new Result(null, reason);
    }

    private static String encoding(ASN1Primitive value) {
        if (value instanceof ASN1PrintableString) {
            return "PrintableString";
        }
        if (value instanceof ASN1IA5String) {
            return "IA5String";
        }
        if (value instanceof ASN1VisibleString) {
            return "VisibleString";
        }
        if (value instanceof ASN1NumericString) {
            return "NumericString";
        }
        if (value instanceof ASN1BMPString) {
            return "BMPString";
        }
        if (value instanceof ASN1UniversalString) {
            return "UniversalString";
        }
        return value instanceof ASN1String ? value.getClass().getSimpleName() : "non-string";
    }


    /** The content octets of a primitive string (its DER without tag and length). */
}
