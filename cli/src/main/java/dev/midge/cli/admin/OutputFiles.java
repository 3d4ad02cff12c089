package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a device gets in its --out directory: ID.key (0600), ID.crt, and ca.crt for --cafile.
 * Staged, the files are first written to a hidden directory inside --out and moved into place
 * only by {@link #commit}: a failure part-way leaves the device's existing files as they were,
 * never a new key beside an old certificate.
 */
final class OutputFiles {

    private final Path dir;
    private final Path staging;
    private final List<String> pending = new ArrayList<>();
    private final List<Path> written = new ArrayList<>();

    OutputFiles(Path dir) {
        this(dir, null);
    }

    private OutputFiles(Path dir, Path staging) {
        this.dir = dir;
        this.staging = staging;
    }

    /** Files written now go to a staging directory in {@code dir} (same file system: moves are renames). */
    static OutputFiles staged(Path dir) throws IOException {
        return new OutputFiles(dir, Files.createTempDirectory(dir, ".midge-staged-"));
    }

    void key(String id, PrivateKey key) throws IOException {
        write(id + ".key", Pem.encodePrivateKey(key), true);
    }

    void certificate(String id, X509Certificate certificate) throws IOException {
        write(id + ".crt", Pem.encode(certificate), false);
    }

    void caChain(DataDirectory data) throws IOException {
        write("ca.crt", Pem.encode(data.issuingCaCertificate(), data.rootCaCertificate()), false);
    }

    /** Moves the staged files into place, the key last (a key beside a stale certificate is the worst half). */
    void commit() throws IOException {
        pending.sort(Comparator.comparing((String name) -> name.endsWith(".key")));
        try {
            for (String name : pending) {
                Path target = dir.resolve(name);
                try {
                    Files.move(staging.resolve(name), target, StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(staging.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
                }
                written.add(target);
            }
        } finally {
            discard();
        }
    }

    /** Deletes what was staged and not moved; nothing in --out is touched. */
    void discard() {
        if (staging == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(staging)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // a hidden leftover in --out; the error the caller reports matters more
        }
    }

    List<Path> written() {
        return written;
    }

    private void write(String name, String text, boolean secret) throws IOException {
        if (staging == null) {
            Path file = dir.resolve(name);
            AtomicFiles.writeString(file, text, secret);
            written.add(file);
        } else {
            AtomicFiles.writeString(staging.resolve(name), text, secret);
            pending.add(name);
        }
    }
}
