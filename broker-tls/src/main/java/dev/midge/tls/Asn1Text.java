package dev.midge.tls;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Primitive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Bytes a peer chose (certificate name strings, PSK identities) read strictly: a name is never
 * built from bytes that are not what they claim to be.
 */
final class Asn1Text {

    private Asn1Text() {
    }

    /** The bytes as UTF-8, or null if they are not well-formed UTF-8 (no replacement characters). */
    static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** The content octets of a primitive string (its DER without tag and length). */
    static byte[] octets(ASN1Primitive value) {
        byte[] der = der(value);
        int lengthOctets = (der[1] & 0x80) == 0 ? 1 : 1 + (der[1] & 0x7f);
        return Arrays.copyOfRange(der, 1 + lengthOctets, der.length);
    }

    static byte[] der(ASN1Primitive value) {
        try {
            return value.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new IllegalStateException("re-encoding a decoded name cannot fail", e);
        }
    }
}
