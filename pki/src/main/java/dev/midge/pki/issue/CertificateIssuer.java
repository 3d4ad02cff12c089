package dev.midge.pki.issue;

import dev.midge.pki.profile.CertificateProfile;
import dev.midge.pki.profile.KeyType;
import org.bouncycastle.asn1.DERNull;
import org.bouncycastle.asn1.ocsp.OCSPObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.operator.OperatorCreationException;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;

/**
 * Builds and signs X.509 v3 certificates with the extensions openssl and TLS stacks expect:
 * CA certificates with basicConstraints CA:true (critical) and keyCertSign/cRLSign; end-entity
 * certificates with CA:false and the profile's key usages; SKI and AKI on all of them.
 */
public final class CertificateIssuer {

    /** Back-dates notBefore so a device whose clock is a little behind accepts its certificate. */
    private static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

    private static final Map<String, Integer> KEY_USAGE_BITS = Map.of(
            "digitalSignature", KeyUsage.digitalSignature, "nonRepudiation", KeyUsage.nonRepudiation,
            "keyEncipherment", KeyUsage.keyEncipherment, "dataEncipherment", KeyUsage.dataEncipherment,
            "keyAgreement", KeyUsage.keyAgreement);
    private static final Map<String, KeyPurposeId> KEY_PURPOSES = Map.of(
            "serverAuth", KeyPurposeId.id_kp_serverAuth, "clientAuth", KeyPurposeId.id_kp_clientAuth,
            "codeSigning", KeyPurposeId.id_kp_codeSigning, "emailProtection", KeyPurposeId.id_kp_emailProtection);

    private CertificateIssuer() {
    }

    public static X509Certificate selfSignedRoot(X500Name subject, KeyPair key, Duration validity) {
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, SerialNumbers.next(),
                    Date.from(now.minus(CLOCK_SKEW)), Date.from(now.plus(validity)), subject,
                    SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(key.getPublic()));
            return sign(builder, new CaCredentials(null, key.getPrivate()), caSignature(key.getPublic()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the root CA certificate", e);
        }
    }

    /** An issuing CA under {@code issuer} that may sign end entities only (pathLen 0). */
    public static X509Certificate intermediate(X500Name subject, PublicKey key, CaCredentials issuer, Duration validity) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = issuedBy(issuer, SerialNumbers.next(), subject,
                    SubjectPublicKeyInfo.getInstance(key.getEncoded()), validity);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuer.certificate()));
            return sign(builder, issuer, caSignature(issuer.certificate().getPublicKey()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the issuing CA certificate", e);
        }
    }

    /** An end-entity certificate (device or server) under the profile; sans may be null. */
    public static X509Certificate endEntity(BigInteger serial, X500Name subject, SubjectPublicKeyInfo key,
                                            GeneralNames sans, CertificateProfile profile, CaCredentials issuer) {
        return endEntity(serial, subject, key, sans, profile, issuer, null);
    }

    /**
     * As above; a non-null {@code ocspUrl} goes into authorityInfoAccess (id-ad-ocsp), so
     * relying parties know where to ask about this certificate (RFC 5280 4.2.2.1).
     */
    public static X509Certificate endEntity(BigInteger serial, X500Name subject, SubjectPublicKeyInfo key,
                                            GeneralNames sans, CertificateProfile profile, CaCredentials issuer,
                                            String ocspUrl) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = issuedBy(issuer, serial, subject, key,
                    Duration.ofDays(profile.validityDays()));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            int usage = keyUsage(profile, KeyType.of(key));
            if (usage != 0) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
            }
            if (!profile.extendedKeyUsage().isEmpty()) {
                KeyPurposeId[] purposes = profile.extendedKeyUsage().stream().map(KEY_PURPOSES::get)
                        .toArray(KeyPurposeId[]::new);
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            if (sans != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            if (ocspUrl != null) {
                builder.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                        AccessDescription.id_ad_ocsp, new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl)));
            }
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuer.certificate()));
            String algorithm = profile.signatureAlgorithm(issuer.certificate().getPublicKey().getAlgorithm());
            return sign(builder, issuer, algorithm);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the certificate of " + subject, e);
        }
    }

    /**
     * A delegated OCSP responder (RFC 6960 4.2.2.2): issued by the CA whose certificates it
     * answers for, id-kp-OCSPSigning only, and id-pkix-ocsp-nocheck so clients do not ask about
     * the responder itself (it is short-lived and renewed instead).
     */
    public static X509Certificate ocspResponder(X500Name subject, PublicKey key, CaCredentials issuer,
                                                Duration validity) {
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = issuedBy(issuer, SerialNumbers.next(), subject,
                    SubjectPublicKeyInfo.getInstance(key.getEncoded()), validity);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_OCSPSigning));
            builder.addExtension(OCSPObjectIdentifiers.id_pkix_ocsp_nocheck, false, DERNull.INSTANCE);
            builder.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(key));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    ext.createAuthorityKeyIdentifier(issuer.certificate()));
            return sign(builder, issuer, caSignature(issuer.certificate().getPublicKey()));
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("cannot build the OCSP responder certificate", e);
        }
    }

    /** keyEncipherment only makes sense for RSA (TLS RSA key transport); an EC key cannot encipher. */
    private static int keyUsage(CertificateProfile profile, KeyType key) {
        int bits = 0;
        for (String name : profile.keyUsage()) {
            if (name.equals("keyEncipherment") && !key.isRsa()) {
                continue;
            }
            bits |= KEY_USAGE_BITS.get(name);
        }
        return bits;
    }

    /** Valid from a little before now (clock skew) for {@code validity}, never past the issuer's own notAfter. */
    private static X509v3CertificateBuilder issuedBy(CaCredentials issuer, BigInteger serial, X500Name subject,
                                                     SubjectPublicKeyInfo key, Duration validity) {
        Instant now = Instant.now();
        return new X509v3CertificateBuilder(issuerName(issuer), serial, Date.from(now.minus(CLOCK_SKEW)),
                capped(now.plus(validity), issuer), subject, key);
    }

    private static X500Name issuerName(CaCredentials issuer) {
        return X500Name.getInstance(issuer.certificate().getSubjectX500Principal().getEncoded());
    }

    /** A certificate must not outlive its issuer: chains would break before it expires. */
    private static Date capped(Instant notAfter, CaCredentials issuer) {
        Date issuerEnd = issuer.certificate().getNotAfter();
        return notAfter.isAfter(issuerEnd.toInstant()) ? issuerEnd : Date.from(notAfter);
    }

    private static String caSignature(PublicKey caKey) {
        return caKey.getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA384withECDSA";
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, CaCredentials signer, String algorithm)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(signer.signer(algorithm)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("cannot sign with " + algorithm, e);
        }
    }
}
