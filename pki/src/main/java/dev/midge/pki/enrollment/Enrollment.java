package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.LogEscape;
import dev.midge.pki.PkiException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * One enrollment attempt over the network, shared by the EST and EJBCA-style endpoints. The
 * client learns only "refused" for a bad secret (whether the ID exists, or the secret was used,
 * is for the log, not for whoever is guessing); a request the profile refuses says why. Wrong
 * secrets count towards the {@link EnrollmentLockout}; every peer-supplied string is logged
 * through {@link LogEscape}.
 */
final class Enrollment {

    private static final Logger LOG = LoggerFactory.getLogger(Enrollment.class);
    static final String REFUSED = "enrollment refused: unknown ID, or a wrong, used or expired secret";

    /** Exactly one of issued, refusedAuth, refusedRequest and retryAfter is set. */
    record Outcome(IssuedCertificate issued, String refusedAuth, String refusedRequest, Duration retryAfter) {

        /** Whole seconds, rounded up, for a Retry-After header. */
        long retryAfterSeconds() {
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    private final DataDirectory data;
    private final EnrollmentLockout lockout;
    /** Certificates issued and attempts refused, for the broker's figures ($SYS, /metrics). */
    private final java.util.concurrent.atomic.LongAdder issued = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder refused = new java.util.concurrent.atomic.LongAdder();

    Enrollment(DataDirectory data, EnrollmentLockout lockout) {
        this.data = data;
        this.lockout = lockout;
    }

    DataDirectory data() {
        return data;
    }

    EnrollmentLockout lockout() {
        return lockout;
    }

    Outcome redeem(String id, String secret, PKCS10CertificationRequest csr, InetSocketAddress client) {
        return redeem(id, secret, csr, client, false);
    }

    /** @param endEntitySubject issue with the end entity's subject, not the CSR's (EJBCA's rule; logged) */
    Outcome redeem(String id, String secret, PKCS10CertificationRequest csr, InetSocketAddress client,
                   boolean endEntitySubject) {
        Duration locked = lockout.lockedOut(client.getAddress(), id);
        if (locked != null) {
            return new Outcome(null, null, null, locked);
        }
        EnrollmentRegistry registry = data.enrollments();
        var entity = registry.find(id);
        if (entity.isEmpty() || entity.get().status() != EndEntity.Status.NEW) {
            return refusedSecret(id, client, entity.isEmpty() ? "no enrollment is pending" : "its secret was already used");
        }
        try {
            IssuedCertificate issued = registry.redeem(id, secret, csr, data.authority(), endEntitySubject);
            if (endEntitySubject) {
                LOG.info("Enrolled {} from {}: certificate {} with the end entity's subject CN={} (the request asked"
                                + " for {})", LogEscape.of(id), client, issued.entry().serialHex(), LogEscape.of(id),
                        LogEscape.of(csr.getSubject().toString()));
            } else {
                LOG.info("Enrolled {} from {}: certificate {}", LogEscape.of(id), client, issued.entry().serialHex());
            }
            this.issued.increment();
            return new Outcome(issued, null, null, null);
        } catch (PkiException e) {
            if (e.getMessage().startsWith("the enrollment secret") || e.getMessage().startsWith("wrong enrollment")
                    || e.getMessage().startsWith("no enrollment")) {
                return refusedSecret(id, client, e.getMessage());
            }
            refused.increment();
            LOG.warn("Refused enrollment of {} from {}: {}", LogEscape.of(id), client, LogEscape.of(e.getMessage()));
            return new Outcome(null, null, "certificate request refused: " + e.getMessage(), null);
        }
    }

    long issuedCount() {
        return issued.sum();
    }

    long refusedCount() {
        return refused.sum();
    }

    private Outcome refusedSecret(String id, InetSocketAddress client, String why) {
        refused.increment();
        if (lockout.failed(client.getAddress(), id)) {
            LOG.warn("Refused enrollment of {} from {}: {} (further refusals from this address are counted, not logged,"
                    + " until its lockout)", LogEscape.of(id), client, LogEscape.of(why));
        }
        return new Outcome(null, REFUSED, null, null);
    }
}
