package dev.midge.tls;

import java.nio.file.Path;

/** A TLS file the broker cannot use, with the file and the cause in one readable message. */
public final class TlsFileException extends Exception {

    private final Path file;

    public TlsFileException(Path file, String cause) {
        super(file + ": " + cause);
        this.file = file;
    }

    public Path file() {
        return file;
    }
}
