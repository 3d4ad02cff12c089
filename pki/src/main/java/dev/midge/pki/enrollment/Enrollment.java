package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.PkiException;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;

/**
 * One enrollment attempt over the network, shared by the EST and EJBCA-style endpoints. The
 * client learns only "refused" for a bad secret (whether the ID exists, or the secret was used,
 * is for the log, not for whoever is guessing); a request the profile refuses says why.
 */
final class Enrollment {

    private static final Logger LOG = LoggerFactory.getLogger(Enrollment.class);

    /** Exactly one of the three is set. */
    record Outcome(IssuedCertificate issued, String refusedAuth, String refusedRequest) {
    }

    private Enrollment() {
    }

    static Outcome redeem(DataDirectory data, String id, String secret, PKCS10CertificationRequest csr,
                          InetSocketAddress client) {
        EnrollmentRegistry registry = data.enrollments();
        var entity = registry.find(id);
        if (entity.isEmpty() || entity.get().status() != EndEntity.Status.NEW) {
            LOG.warn("Refused enrollment of {} from {}: {}", id, client,
                    entity.isEmpty() ? "no enrollment is pending" : "its secret was already used");
            return new Outcome(null, "enrollment refused: unknown ID, or a wrong, used or expired secret", null);
        }
        try {
            IssuedCertificate issued = registry.redeem(id, secret, csr, data.authority());
            LOG.info("Enrolled {} from {}: certificate {}", id, client, issued.entry().serialHex());
            return new Outcome(issued, null, null);
        } catch (PkiException e) {
            LOG.warn("Refused enrollment of {} from {}: {}", id, client, e.getMessage());
            if (e.getMessage().startsWith("the enrollment secret") || e.getMessage().startsWith("wrong enrollment")
                    || e.getMessage().startsWith("no enrollment")) {
                return new Outcome(null, "enrollment refused: unknown ID, or a wrong, used or expired secret", null);
            }
            return new Outcome(null, null, "certificate request refused: " + e.getMessage());
        }
    }
}
