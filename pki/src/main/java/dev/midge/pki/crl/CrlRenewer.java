package dev.midge.pki.crl;

import dev.midge.pki.PkiException;
import dev.midge.pki.store.Pem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Keeps the CRL fresh: a verifier rejects every certificate once the CRL's nextUpdate has
 * passed, so the running broker calls {@link #renewIfDue()} periodically (say hourly, off the
 * event loop) and a new CRL is issued once less than half of the current one's lifetime is
 * left, or at once when it lacks a revocation the index has ({@link CrlCoverage}: a revoke killed
 * before it wrote the CRL, while the broker kept running). The write is atomic, so the broker's
 * CRL watcher picks it up like any other change.
 */
public final class CrlRenewer {

    private static final Logger LOG = LoggerFactory.getLogger(CrlRenewer.class);

    private final Path crlFile;
    private final Supplier<CrlPublisher> publisher;
    private final Supplier<String> coverageGap;

    /** @param publisher supplies the publisher on first need (it unlocks the CA keys) */
    public CrlRenewer(Path crlFile, Supplier<CrlPublisher> publisher) {
        this(crlFile, publisher, () -> null);
    }

    /** @param coverageGap what the CRL lacks that the index has, or null (see {@link CrlCoverage#gap}) */
    public CrlRenewer(Path crlFile, Supplier<CrlPublisher> publisher, Supplier<String> coverageGap) {
        this.crlFile = crlFile;
        this.publisher = publisher;
        this.coverageGap = coverageGap;
    }

    public boolean renewIfDue() throws IOException {
        return renewIfDue(Instant.now());
    }

    /** Issues a fresh CRL if any CRL in the file is past half its lifetime at {@code now}. */
    public boolean renewIfDue(Instant now) throws IOException {
        String why = dueReason(now);
        if (why == null) {
            String gap = coverageGap.get();
            if (gap == null) {
                return false;
            }
            publisher.get().publish();
            LOG.warn("Re-issued the CRL {} from the index: {}.", crlFile, gap);
            return true;
        }
        publisher.get().publish();
        LOG.debug("Issued a fresh CRL to {} ({}).", crlFile, why);
        return true;
    }

    private String dueReason(Instant now) {
        if (!Files.exists(crlFile)) {
            return "there was none";
        }
        try {
            for (X509CRL crl : Pem.readCrls(crlFile)) {
                if (crl.getNextUpdate() == null) {
                    return "the previous one had no nextUpdate";
                }
                Instant thisUpdate = crl.getThisUpdate().toInstant();
                Instant nextUpdate = crl.getNextUpdate().toInstant();
                Duration lifetime = Duration.between(thisUpdate, nextUpdate);
                if (Duration.between(now, nextUpdate).compareTo(lifetime.dividedBy(2)) < 0) {
                    return "the previous one's nextUpdate " + nextUpdate + " is less than half its lifetime away";
                }
            }
        } catch (PkiException e) {
            return "the previous one was unreadable: " + e.getMessage();
        }
        return null;
    }
}
