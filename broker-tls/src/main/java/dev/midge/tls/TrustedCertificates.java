package dev.midge.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The CA certificates client certificates must chain to, from {@code cafile} and/or every
 * certificate file in {@code capath}.
 */
final class TrustedCertificates {

    /** What OpenSSL's c_rehash names certificates: an 8-hex-digit subject hash and a counter. */
    private static final Pattern HASH_NAME = Pattern.compile("[0-9a-f]{8}\\.[0-9]+");

    private TrustedCertificates() {
    }

    static List<X509Certificate> load(Path cafile, Path capath) throws TlsFileException {
        List<X509Certificate> result = new ArrayList<>();
        if (cafile != null) {
            result.addAll(PemFiles.certificates(cafile));
        }
        if (capath != null) {
            for (Path file : certificateFilesIn(capath)) {
                result.addAll(PemFiles.certificates(file));
            }
        }
        return result;
    }

    /** The certificate files in a capath directory, sorted so the load order is stable. */
    static List<Path> certificateFilesIn(Path capath) throws TlsFileException {
        if (!Files.isDirectory(capath)) {
            throw new TlsFileException(capath, "capath is not a directory");
        }
        try (Stream<Path> files = Files.list(capath)) {
            List<Path> result = files.filter(TrustedCertificates::isCertificateName).sorted().toList();
            if (result.isEmpty()) {
                throw new TlsFileException(capath, "capath holds no *.pem, *.crt or hash-named certificate file");
            }
            return result;
        } catch (IOException e) {
            throw new TlsFileException(capath, "cannot list the directory: " + e.getMessage());
        }
    }

    private static boolean isCertificateName(Path file) {
        String name = file.getFileName().toString();
        return !name.startsWith(".") && Files.isRegularFile(file)
                && (name.endsWith(".pem") || name.endsWith(".crt") || HASH_NAME.matcher(name).matches());
    }
}
