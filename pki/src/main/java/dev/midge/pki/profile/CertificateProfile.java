package dev.midge.pki.profile;

import dev.midge.pki.PkiException;

import java.util.List;
import java.util.Set;

/**
 * What the CA puts into a certificate of one kind (device, server) and what it accepts from a
 * request for one. Parsed from {@code profiles/NAME.profile} in the data directory by
 * {@link CertificateProfileParser}; immutable once parsed.
 *
 * @param name             the profile's name ("device")
 * @param rsaMinBits       smallest RSA modulus accepted, or 0 if RSA keys are refused
 * @param rsaMaxBits       largest RSA modulus accepted
 * @param ecCurves         EC curves accepted ("P-256"); empty if EC keys are refused
 * @param validityDays     how long an issued certificate is valid
 * @param digest           hash of the CA's signature: "SHA-256", "SHA-384" or "SHA-512"
 * @param keyUsage         key usage bits by their RFC 5280 names ("digitalSignature")
 * @param extendedKeyUsage extended key usages by their RFC 5280 names ("clientAuth")
 * @param requestSans      SAN types a request may carry: "dns", "ip", "email", "uri"
 */
public record CertificateProfile(String name, int rsaMinBits, int rsaMaxBits, Set<String> ecCurves, int validityDays,
                                 String digest, List<String> keyUsage, List<String> extendedKeyUsage,
                                 Set<String> requestSans) {

    public CertificateProfile {
        ecCurves = Set.copyOf(ecCurves);
        keyUsage = List.copyOf(keyUsage);
        extendedKeyUsage = List.copyOf(extendedKeyUsage);
        requestSans = Set.copyOf(requestSans);
    }

    /** This profile with a shorter validity; a profile's validity is the most any certificate gets. */
    public CertificateProfile withValidityDays(int days) {
        if (days < 1 || days > validityDays) {
            throw new PkiException("validity must be from 1 to " + validityDays + " days" + " (profile " + name
                    + "'s validity_days), not " + days);
        }
        return new CertificateProfile(name, rsaMinBits, rsaMaxBits, ecCurves, days, digest, keyUsage, extendedKeyUsage,
                requestSans);
    }

    /** Throws unless the key is one this profile allows, saying why in words. */
    public void checkKey(KeyType key) {
        if (key.isRsa()) {
            if (rsaMinBits == 0) {
                throw new PkiException("RSA keys are not allowed by profile " + name + " (allowed: " + allowedKeys() + ")");
            }
            if (key.bits() < rsaMinBits) {
                throw new PkiException(key + " is below the profile's minimum of " + rsaMinBits);
            }
            if (key.bits() > rsaMaxBits) {
                throw new PkiException(key + " is above the profile's maximum of " + rsaMaxBits);
            }
            return;
        }
        if (key.algorithm().equals("EC")) {
            if (!ecCurves.contains(key.curve())) {
                throw new PkiException(key + " is not allowed by profile " + name + " (allowed: " + allowedKeys() + ")");
            }
            return;
        }
        throw new PkiException(key + " is not allowed by profile " + name + " (allowed: " + allowedKeys() + ")");
    }

    public String allowedKeys() {
        StringBuilder s = new StringBuilder();
        if (rsaMinBits > 0) {
            s.append("RSA ").append(rsaMinBits).append('-').append(rsaMaxBits);
        }
        if (!ecCurves.isEmpty()) {
            if (s.length() > 0) {
                s.append(", ");
            }
            s.append("EC ").append(String.join(" ", ecCurves.stream().sorted().toList()));
        }
        return s.length() == 0 ? "none" : s.toString();
    }

    /** The JCA signature algorithm for a CA key of the given JCA algorithm ("EC", "RSA"). */
    public String signatureAlgorithm(String caKeyAlgorithm) {
        String hash = digest.replace("-", "");
        return hash + "with" + (caKeyAlgorithm.equals("RSA") ? "RSA" : "ECDSA");
    }
}
