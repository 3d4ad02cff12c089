package dev.midge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A real SoftHSM2 token in a temporary directory: a PKCS#11 module the broker opens as it would an
 * HSM. Keys go in with {@code softhsm2-util --import} (PKCS#8), their certificates with OpenSC's
 * {@code pkcs11-tool --write-object} under the same CKA_ID (the JDK's PKCS#11 KeyStore shows a key
 * only with its certificate). Every process that uses the token needs {@link #environment()}:
 * SoftHSM finds its token directory through {@code SOFTHSM2_CONF}.
 */
public final class SoftHsm {

    public static final String PIN = "4321";
    private static final String SO_PIN = "87654321";
    private static final List<Path> MODULES = List.of(Path.of("/usr/lib/softhsm/libsofthsm2.so"),
            Path.of("/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"),
            Path.of("/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"));

    private final Path conf;
    private final Path dir;
    private final String token;

    private SoftHsm(Path dir, Path conf, String token) {
        this.dir = dir;
        this.conf = conf;
        this.token = token;
    }

    /** The SoftHSM2 module, if the softhsm2 package (and OpenSC's pkcs11-tool) are installed. */
    public static Optional<Path> module() {
        if (!onPath("softhsm2-util") || !onPath("pkcs11-tool")) {
            return Optional.empty();
        }
        return MODULES.stream().filter(Files::isReadable).findFirst();
    }

    /** For {@code Assumptions.assumeTrue(SoftHsm.module().isPresent(), SoftHsm.MISSING)}. */
    public static final String MISSING = "softhsm2 and opensc are not installed (apt-get install softhsm2 opensc; "
            + ".ci/run installs them)";

    /** A fresh token labelled {@code token}, user PIN {@link #PIN}, its files under {@code dir}. */
    public static SoftHsm create(Path dir, String token) {
        try {
            Path tokens = Files.createDirectories(dir.resolve("tokens"));
            Path conf = dir.resolve("softhsm2.conf");
            Files.writeString(conf, "directories.tokendir = " + tokens + "\nobjectstore.backend = file\n"
                    + "log.level = ERROR\n");
            SoftHsm hsm = new SoftHsm(dir, conf, token);
            hsm.run("softhsm2-util", "--init-token", "--free", "--label", token, "--pin", PIN, "--so-pin", SO_PIN);
            return hsm;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a process using the token needs in its environment. */
    public Map<String, String> environment() {
        return Map.of("SOFTHSM2_CONF", conf.toString());
    }

    public Path modulePath() {
        return module().orElseThrow(() -> new IllegalStateException(MISSING));
    }

    /**
     * Puts a key and its certificate into the token under {@code label} (CKA_LABEL of both) and
     * CKA_ID {@code idHex}; softhsm2-util stores the key sensitive and not extractable.
     */
    public void importKey(PrivateKey key, X509Certificate certificate, String label, String idHex) {
        try {
            Path pk8 = dir.resolve(label + ".pk8");
            Files.writeString(pk8, "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
            Path der = Files.write(dir.resolve(label + ".crt.der"), certificate.getEncoded());
            run("softhsm2-util", "--import", pk8.toString(), "--token", token, "--label", label, "--id", idHex,
                    "--pin", PIN);
            Files.delete(pk8);
            run("pkcs11-tool", "--module", modulePath().toString(), "--token-label", token, "--login", "--pin", PIN,
                    "--write-object", der.toString(), "--type", "cert", "--id", idHex, "--label", label);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The RFC 7512 URI naming a key of this token, the PIN read from a file. */
    public String uri(String label) {
        try {
            Path pin = dir.resolve("pin");
            Files.writeString(pin, PIN + "\n");
            return "pkcs11:token=" + token + ";object=" + label + "?module-path=" + modulePath()
                    + "&pin-source=file:" + pin;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code pkcs11-tool --list-objects}: what the token holds, as a user would check it. */
    public String listObjects() {
        return run("pkcs11-tool", "--module", modulePath().toString(), "--token-label", token, "--login", "--pin", PIN,
                "--list-objects");
    }

    private String run(String... command) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(environment());
        try {
            Process process = builder.start();
            CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
                try {
                    return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    return "";
                }
            });
            if (!process.waitFor(Duration.ofSeconds(30).toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue()
                        + "): " + output.join());
            }
            return output.join();
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        List<String> dirs = new ArrayList<>(List.of(path.split(":")));
        dirs.addAll(List.of("/usr/bin", "/usr/sbin"));
        return dirs.stream().anyMatch(d -> Files.isExecutable(Path.of(d, program)));
    }
}
