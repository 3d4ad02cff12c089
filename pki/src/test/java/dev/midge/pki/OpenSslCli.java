package dev.midge.pki;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real openssl binary and returns what a user would see. */
final class OpenSslCli {

    record Result(int exitCode, String output) {
        @Override
        public String toString() {
            return "exit " + exitCode + ": " + output;
        }
    }

    private OpenSslCli() {
    }

    static Result run(Path workDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add("openssl");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("openssl " + String.join(" ", args) + " did not finish");
        }
        return new Result(process.exitValue(), output);
    }

    /** openssl verify; with a CRL file, checks revocation of the whole chain. */
    static Result verify(Path dir, Path caFile, Path crlFile, Path certificate) throws IOException, InterruptedException {
        if (crlFile == null) {
            return run(dir, "verify", "-CAfile", caFile.toString(), certificate.toString());
        }
        return run(dir, "verify", "-crl_check_all", "-CAfile", caFile.toString(), "-CRLfile", crlFile.toString(),
                certificate.toString());
    }
}
