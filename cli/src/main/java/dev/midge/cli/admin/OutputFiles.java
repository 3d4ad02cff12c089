package dev.midge.cli.admin;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** What a device gets in its --out directory: ID.key (0600), ID.crt, and ca.crt for --cafile. */
final class OutputFiles {

    private final Path dir;
    private final List<Path> written = new ArrayList<>();

    OutputFiles(Path dir) {
        this.dir = dir;
    }

    void key(String id, PrivateKey key) throws IOException {
        write(dir.resolve(id + ".key"), Pem.encodePrivateKey(key), true);
    }

    void certificate(String id, X509Certificate certificate) throws IOException {
        write(dir.resolve(id + ".crt"), Pem.encode(certificate), false);
    }

    void caChain(DataDirectory data) throws IOException {
        write(dir.resolve("ca.crt"), Pem.encode(data.issuingCaCertificate(), data.rootCaCertificate()), false);
    }

    List<Path> written() {
        return written;
    }

    private void write(Path file, String text, boolean secret) throws IOException {
        AtomicFiles.writeString(file, text, secret);
        written.add(file);
    }
}
