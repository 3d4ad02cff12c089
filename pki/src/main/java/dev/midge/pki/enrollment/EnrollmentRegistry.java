package dev.midge.pki.enrollment;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.PkiException;
import dev.midge.pki.store.LockedTable;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One-time enrollment secrets: {@code device add ID --enroll} registers ID with a secret; a
 * device that presents it with a CSR gets one certificate, and the secret is dead afterwards.
 * Only a SHA-256 hash of each secret is stored: the secrets are 128 random bits, so a fast
 * hash is enough (there is nothing to brute-force that a slow hash would protect).
 */
public final class EnrollmentRegistry {

    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);

    private final LockedTable<EndEntity> table;

    public EnrollmentRegistry(Path file) {
        // secret: the file holds the hashes of live secrets
        this.table = new LockedTable<>(file, new Rows(), true);
    }

    /** Registers (or re-registers) {@code id} and returns its new secret, shown once. */
    public String register(String id, String profile, Duration validity) {
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        register(id, secret, profile, validity);
        return secret;
    }

    /**
     * Registers (or resets to NEW) {@code id} with a password chosen by an administrator (the
     * EJBCA-REST {@code POST /user}); only its hash is kept.
     */
    public void register(String id, String secret, String profile, Duration validity) {
        EndEntity entity = new EndEntity(id, EndEntity.Status.NEW, hash(secret), Instant.now().plus(validity), profile);
        table.update(entities -> {
            entities.removeIf(e -> e.id().equals(id));
            entities.add(entity);
            return null;
        });
    }

    public List<EndEntity> entities() {
        return table.rows();
    }

    public Optional<EndEntity> find(String id) {
        return entities().stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public boolean remove(String id) {
        return table.update(entities -> entities.removeIf(e -> e.id().equals(id)));
    }

    /**
     * Issues {@code id}'s certificate from its CSR if {@code secret} is its live one-time secret;
     * the check, the issue and killing the secret happen under one lock, so a secret can never
     * be redeemed twice, even by two requests at once.
     */
    public IssuedCertificate redeem(String id, String secret, PKCS10CertificationRequest csr, CertificateAuthority ca) {
        return redeem(id, secret, csr, ca, false);
    }

    /**
     * @param endEntitySubject issue with {@code id} as the subject whatever the CSR asks for
     *                         (EJBCA's rule), instead of refusing a CSR with another CN
     */
    public IssuedCertificate redeem(String id, String secret, PKCS10CertificationRequest csr, CertificateAuthority ca,
                                    boolean endEntitySubject) {
        return table.update(entities -> {
            int at = -1;
            for (int i = 0; i < entities.size(); i++) {
                if (entities.get(i).id().equals(id)) {
                    at = i;
                }
            }
            if (at < 0) {
                throw new PkiException("no enrollment is pending for " + id);
            }
            EndEntity e = entities.get(at);
            if (e.status() != EndEntity.Status.NEW) {
                throw new PkiException("the enrollment secret of " + id + " was already used");
            }
            if (e.expires().isBefore(Instant.now())) {
                throw new PkiException("the enrollment secret of " + id + " expired at " + e.expires());
            }
            if (!MessageDigest.isEqual(hash(secret).getBytes(StandardCharsets.US_ASCII),
                    e.secretHash().getBytes(StandardCharsets.US_ASCII))) {
                throw new PkiException("wrong enrollment secret for " + id);
            }
            IssuedCertificate issued = endEntitySubject
                    ? ca.signRequestAsEndEntity(id, csr, ca.profile(e.profile()))
                    : ca.signRequest(id, csr, e.profile());
            entities.set(at, new EndEntity(id, EndEntity.Status.GENERATED, "-", e.expires(), e.profile()));
            return issued;
        });
    }

    static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** id, status, secret hash, expiry, profile. */
    private static final class Rows implements LockedTable.RowFormat<EndEntity> {

        @Override
        public String header() {
            return "# id\tstatus\tsecret_sha256\texpires\tprofile\n";
        }

        @Override
        public EndEntity parse(String line, Path file, int number) {
            String[] f = line.split("\t");
            try {
                return new EndEntity(f[0], EndEntity.Status.valueOf(f[1]), f[2], Instant.parse(f[3]), f[4]);
            } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException | DateTimeParseException e) {
                throw new PkiException(file + ":" + number + ": expected id, status, secret hash, expiry, profile");
            }
        }

        @Override
        public String format(EndEntity e) {
            return e.id() + '\t' + e.status() + '\t' + e.secretHash() + '\t' + e.expires() + '\t' + e.profile();
        }
    }
}
