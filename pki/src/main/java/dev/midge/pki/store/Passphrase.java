package dev.midge.pki.store;

import dev.midge.pki.PkiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The passphrase that encrypts the CA's private keys: the environment variable
 * {@value #ENVIRONMENT_VARIABLE} if set (keys then never touch the disk unencrypted nor
 * together with their passphrase), otherwise a file generated once, 0600, next to the keys.
 */
public final class Passphrase {

    public static final String ENVIRONMENT_VARIABLE = "MIDGE_CA_PASSPHRASE";

    private Passphrase() {
    }

    /** For a new data directory: the environment's passphrase, or a fresh one written to {@code file}. */
    public static char[] resolveOrGenerate(Path file) throws IOException {
        String fromEnv = System.getenv(ENVIRONMENT_VARIABLE);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        if (Files.exists(file)) {
            return read(file);
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String generated = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        AtomicFiles.writeString(file, generated + "\n", true);
        return generated.toCharArray();
    }

    /** For an existing data directory: the environment's passphrase, or the file's. */
    public static char[] resolve(Path file) {
        String fromEnv = System.getenv(ENVIRONMENT_VARIABLE);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        if (!Files.exists(file)) {
            throw new PkiException("the CA keys are encrypted and there is no passphrase: set "
                    + ENVIRONMENT_VARIABLE + " or restore " + file);
        }
        try {
            return read(file);
        } catch (IOException e) {
            throw new PkiException(file + ": cannot read the CA passphrase: " + e.getMessage(), e);
        }
    }

    private static char[] read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            throw new PkiException(file + ": the CA passphrase file is empty");
        }
        return text.toCharArray();
    }
}
