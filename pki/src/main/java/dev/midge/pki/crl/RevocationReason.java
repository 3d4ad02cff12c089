package dev.midge.pki.crl;

import dev.midge.pki.PkiException;
import org.bouncycastle.asn1.x509.CRLReason;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Why a certificate was revoked: the RFC 5280 (5.3.1) reason codes, named as the RFC names
 * them. certificateHold and removeFromCRL are left out: Midge never un-revokes.
 */
public enum RevocationReason {
    unspecified(CRLReason.unspecified),
    keyCompromise(CRLReason.keyCompromise),
    cACompromise(CRLReason.cACompromise),
    affiliationChanged(CRLReason.affiliationChanged),
    superseded(CRLReason.superseded),
    cessationOfOperation(CRLReason.cessationOfOperation),
    privilegeWithdrawn(CRLReason.privilegeWithdrawn),
    aACompromise(CRLReason.aACompromise);

    private final int code;

    RevocationReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    public static RevocationReason parse(String name) {
        for (RevocationReason r : values()) {
            if (r.name().equalsIgnoreCase(name)) {
                return r;
            }
        }
        throw new PkiException("unknown revocation reason '" + name + "' (known: "
                + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + ")");
    }
}
