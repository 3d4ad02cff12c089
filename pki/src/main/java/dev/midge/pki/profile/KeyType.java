package dev.midge.pki.profile;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import java.io.IOException;
import java.util.Map;

/**
 * What a profile judges about a public key: its algorithm and strength.
 *
 * @param algorithm "RSA", "EC", or the OID of anything else
 * @param bits      modulus size for RSA, field size for EC
 * @param curve     NIST name of the EC curve ("P-256"), or null
 */
public record KeyType(String algorithm, int bits, String curve) {

    private static final Map<ASN1ObjectIdentifier, String> CURVES = Map.of(
            X9ObjectIdentifiers.prime256v1, "P-256",
            SECObjectIdentifiers.secp384r1, "P-384",
            SECObjectIdentifiers.secp521r1, "P-521");

    public static KeyType of(SubjectPublicKeyInfo key) {
        ASN1ObjectIdentifier oid = key.getAlgorithm().getAlgorithm();
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            try {
                RSAPublicKey rsa = RSAPublicKey.getInstance(key.parsePublicKey());
                return new KeyType("RSA", rsa.getModulus().bitLength(), null);
            } catch (IOException e) {
                return new KeyType("RSA", 0, null);
            }
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            Object params = key.getAlgorithm().getParameters();
            String curve = params instanceof ASN1ObjectIdentifier named
                    ? CURVES.getOrDefault(named, named.getId()) : "explicit parameters";
            int bits = switch (curve) {
                case "P-256" -> 256;
                case "P-384" -> 384;
                case "P-521" -> 521;
                default -> 0;
            };
            return new KeyType("EC", bits, curve);
        }
        return new KeyType(oid.getId(), 0, null);
    }

    public boolean isRsa() {
        return algorithm.equals("RSA");
    }

    @Override
    public String toString() {
        return isRsa() ? "RSA key of " + bits + " bits" : curve != null ? "EC key on curve " + curve : algorithm + " key";
    }
}
