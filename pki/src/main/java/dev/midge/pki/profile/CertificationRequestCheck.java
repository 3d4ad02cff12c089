package dev.midge.pki.profile;

import dev.midge.pki.PkiException;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequest;

import java.util.Map;

/**
 * Decides whether a PKCS#10 request may become a certificate under a profile: its signature
 * proves possession of the key, the key is one the profile allows, its SANs are of types the
 * profile allows, and its CN (if any) is the name the certificate will carry.
 */
public final class CertificationRequestCheck {

    private static final Map<Integer, String> SAN_TYPES = Map.of(
            GeneralName.dNSName, "dns", GeneralName.iPAddress, "ip",
            GeneralName.rfc822Name, "email", GeneralName.uniformResourceIdentifier, "uri");

    private CertificationRequestCheck() {
    }

    /** @return the SANs to copy into the certificate, or null if the request has none */
    public static GeneralNames check(PKCS10CertificationRequest csr, String commonName, CertificateProfile profile) {
        verifySignature(csr);
        profile.checkKey(KeyType.of(csr.getSubjectPublicKeyInfo()));
        checkCommonName(csr, commonName);
        return allowedSans(csr, profile);
    }

    private static void verifySignature(PKCS10CertificationRequest csr) {
        boolean valid;
        try {
            valid = csr.isSignatureValid(new JcaContentVerifierProviderBuilder()
                    .build(new JcaPKCS10CertificationRequest(csr).getPublicKey()));
        } catch (OperatorCreationException | PKCSException | java.security.GeneralSecurityException
                 | RuntimeException e) {
            // Only BouncyCastle and the JDK run in here, on an untrusted request: they report some
            // bad ones unchecked (a signature BIT STRING that is not whole bytes, an EC key on
            // secp256k1, which JDK 17 no longer implements). A bad request, not a bug.
            throw new PkiException("the CSR's signature cannot be checked: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new PkiException("the CSR's signature does not match its key (altered or corrupt request)");
        }
    }

    private static void checkCommonName(PKCS10CertificationRequest csr, String commonName) {
        for (RDN rdn : csr.getSubject().getRDNs(BCStyle.CN)) {
            String cn = IETFUtils.valueToString(rdn.getFirst().getValue());
            if (!cn.equals(commonName)) {
                throw new PkiException("the CSR's subject has CN=" + cn + " but the certificate is for " + commonName);
            }
        }
    }

    private static GeneralNames allowedSans(PKCS10CertificationRequest csr, CertificateProfile profile) {
        Extensions requested = null;
        for (var attribute : csr.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : attribute.getAttrValues()) {
                requested = Extensions.getInstance(value);
            }
        }
        if (requested == null) {
            return null;
        }
        GeneralNames sans = GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName);
        if (sans == null) {
            return null;
        }
        for (GeneralName name : sans.getNames()) {
            String type = SAN_TYPES.getOrDefault(name.getTagNo(), "type " + name.getTagNo());
            if (!profile.requestSans().contains(type)) {
                throw new PkiException("the CSR asks for a " + type + " SAN (" + name.getName()
                        + ") but profile " + profile.name() + " allows only: "
                        + (profile.requestSans().isEmpty() ? "none" : String.join(", ", profile.requestSans())));
            }
        }
        return sans;
    }
}
