package dev.midge.pki.index;

import dev.midge.pki.crl.RevocationReason;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

import java.math.BigInteger;
import java.time.Instant;

/**
 * One certificate the CA issued.
 *
 * @param serial    its serial number
 * @param subject   its subject DN ("CN=sensor-1")
 * @param notAfter  when it expires
 * @param revokedAt when it was revoked, or null
 * @param reason    why it was revoked, or null
 * @param profile   the profile it was issued under ("device", "server")
 */
public record IndexEntry(BigInteger serial, String subject, Instant notAfter, Instant revokedAt,
                         RevocationReason reason, String profile) {

    public enum Status { VALID, REVOKED, EXPIRED }

    public Status status(Instant now) {
        if (revokedAt != null) {
            return Status.REVOKED;
        }
        return notAfter.isBefore(now) ? Status.EXPIRED : Status.VALID;
    }

    public boolean isValid(Instant now) {
        return status(now) == Status.VALID;
    }

    public String commonName() {
        RDN[] cn = new X500Name(subject).getRDNs(BCStyle.CN);
        return cn.length == 0 ? "" : IETFUtils.valueToString(cn[0].getFirst().getValue());
    }

    public String serialHex() {
        return serial.toString(16).toUpperCase(java.util.Locale.ROOT);
    }

    public IndexEntry revoked(Instant at, RevocationReason why) {
        return new IndexEntry(serial, subject, notAfter, at, why, profile);
    }
}
