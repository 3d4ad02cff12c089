package dev.midge.pki.profile;

import dev.midge.pki.LogEscape;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Decides whether a PKCS#10 request may become a certificate under a profile: its signature
 * proves possession of the key, the key is one the profile allows, and its CN (if any) is the
 * name the certificate will carry. The profile, not the request, governs the SANs (as in EJBCA):
 * requested SANs of a type the profile's {@code request_sans} does not list are left out of the
 * certificate, with one log line, rather than failing the enrollment of a device whose stock
 * client always asks for some.
 */
public final class CertificationRequestCheck {

    private static final Logger LOG = LoggerFactory.getLogger(CertificationRequestCheck.class);

    private static final Map<Integer, String> SAN_TYPES = Map.of(
            GeneralName.dNSName, "dns", GeneralName.iPAddress, "ip",
            GeneralName.rfc822Name, "email", GeneralName.uniformResourceIdentifier, "uri");

    private CertificationRequestCheck() {
    }

    /** @return the requested SANs the profile allows, to copy into the certificate; null if none */
    public static GeneralNames check(PKCS10CertificationRequest csr, String commonName, CertificateProfile profile) {
        verifySignature(csr);
        profile.checkKey(KeyType.of(csr.getSubjectPublicKeyInfo()));
        checkCommonName(csr, commonName);
        return allowedSans(csr, commonName, profile);
    }

    /**
     * As {@link #check}, but the CSR's subject is not compared with {@code commonName}: EJBCA
     * issues an end entity's certificate with the subject registered for it and ignores the
     * request's (dojot's certificate retriever asks with CN=TENANT-DEVICE for end entity
     * TENANT:DEVICE). The caller logs that it did.
     */
    public static GeneralNames checkIgnoringSubject(PKCS10CertificationRequest csr, String commonName,
                                                    CertificateProfile profile) {
        verifySignature(csr);
        profile.checkKey(KeyType.of(csr.getSubjectPublicKeyInfo()));
        return allowedSans(csr, commonName, profile);
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

    private static GeneralNames allowedSans(PKCS10CertificationRequest csr, String commonName, CertificateProfile profile) {
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
        List<GeneralName> kept = new ArrayList<>();
        List<String> dropped = new ArrayList<>();
        for (GeneralName name : sans.getNames()) {
            String type = SAN_TYPES.getOrDefault(name.getTagNo(), "type " + name.getTagNo());
            if (profile.requestSans().contains(type)) {
                kept.add(name);
            } else {
                dropped.add(describe(name));
            }
        }
        if (!dropped.isEmpty()) {
            LOG.info("Left out of the certificate for {} the SANs its request asked for but profile {} does not allow"
                            + " (request_sans = {}): {}", LogEscape.of(commonName), profile.name(),
                    profile.requestSans().isEmpty() ? "none" : String.join(" ", profile.requestSans().stream().sorted().toList()),
                    LogEscape.of(String.join(", ", dropped)));
        }
        return kept.isEmpty() ? null : new GeneralNames(kept.toArray(GeneralName[]::new));
    }

    /** As openssl prints a SAN: "DNS:host", "IP:127.0.0.1". */
    static String describe(GeneralName name) {
        return switch (name.getTagNo()) {
            case GeneralName.dNSName -> "DNS:" + name.getName();
            case GeneralName.rfc822Name -> "email:" + name.getName();
            case GeneralName.uniformResourceIdentifier -> "URI:" + name.getName();
            case GeneralName.iPAddress -> {
                try {
                    yield "IP:" + java.net.InetAddress.getByAddress(
                            org.bouncycastle.asn1.ASN1OctetString.getInstance(name.getName()).getOctets()).getHostAddress();
                } catch (java.net.UnknownHostException | IllegalArgumentException e) {
                    yield "IP:(malformed)";
                }
            }
            default -> "type " + name.getTagNo() + ":" + name.getName();
        };
    }
}
