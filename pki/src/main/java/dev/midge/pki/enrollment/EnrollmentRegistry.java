package dev.midge.pki.enrollment;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.PkiException;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.FileLocks;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
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

    private final Path file;
    private final Path lockFile;

    public EnrollmentRegistry(Path file) {
        this.file = file;
        this.lockFile = file.resolveSibling(file.getFileName() + ".lock");
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
        update(entities -> {
            entities.removeIf(e -> e.id().equals(id));
            entities.add(entity);
            return null;
        });
    }

    public List<EndEntity> entities() {
        return locked(() -> List.copyOf(read()));
    }

    public Optional<EndEntity> find(String id) {
        return entities().stream().filter(e -> e.id().equals(id)).findFirst();
    }

    public boolean remove(String id) {
        return update(entities -> entities.removeIf(e -> e.id().equals(id)));
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
        return update(entities -> {
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

    private interface Change<T> {
        T apply(List<EndEntity> entities);
    }

    private <T> T update(Change<T> change) {
        return locked(() -> {
            List<EndEntity> entities = read();
            T result = change.apply(entities);
            write(entities);
            return result;
        });
    }

    private <T> T locked(FileLocks.LockedAction<T> action) {
        try {
            return FileLocks.withLock(lockFile, action);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update " + file + ": " + e.getMessage(), e);
        }
    }

    private List<EndEntity> read() throws IOException {
        List<EndEntity> result = new ArrayList<>();
        if (!Files.exists(file)) {
            return result;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            try {
                result.add(new EndEntity(f[0], EndEntity.Status.valueOf(f[1]), f[2], Instant.parse(f[3]), f[4]));
            } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException | DateTimeParseException e) {
                throw new PkiException(file + ":" + (i + 1) + ": expected id, status, secret hash, expiry, profile");
            }
        }
        return result;
    }

    private void write(List<EndEntity> entities) throws IOException {
        StringBuilder text = new StringBuilder("# id\tstatus\tsecret_sha256\texpires\tprofile\n");
        for (EndEntity e : entities) {
            text.append(e.id()).append('\t').append(e.status()).append('\t').append(e.secretHash()).append('\t')
                    .append(e.expires()).append('\t').append(e.profile()).append('\n');
        }
        AtomicFiles.writeString(file, text.toString(), true);
    }
}
