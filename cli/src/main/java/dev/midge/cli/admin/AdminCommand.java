package dev.midge.cli.admin;

import dev.midge.acl.edit.AclEditException;
import dev.midge.cli.IoErrors;
import dev.midge.pki.PkiException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/**
 * The shape of every admin command: do one thing, print what was done. A user's mistake (bad ID, weak key, missing file) prints one "error:" line and exits 1;
 * anything else is a bug and picocli prints its stack trace.
 */
abstract class AdminCommand implements Callable<Integer> {

    static final int EXIT_USER_ERROR = 1;

    @Spec
    CommandSpec spec;

    abstract int run() throws IOException;

    @Override
    public final Integer call() {
        try {
            int code = run();
            out().flush();
            return code;
        } catch (PkiException | AdminException | AclEditException e) {
            return fail(e.getMessage());
        } catch (IOException e) {
            return fail(IoErrors.describe(e));
        } catch (UncheckedIOException e) {
            return fail(withCause(e));
        }
    }

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** "cannot store the certificate: /x" becomes "cannot store the certificate: /x: permission denied". */
    private static String withCause(UncheckedIOException e) {
        String cause = IoErrors.describe(e.getCause());
        String message = e.getMessage();
        if (message == null || message.endsWith(cause)) {
            return message == null ? cause : message;
        }
        String bare = e.getCause().getMessage();
        if (bare != null && message.endsWith(bare)) {
            return message.substring(0, message.length() - bare.length()) + cause;
        }
        return message + " (" + cause + ")";
    }

    private int fail(String message) {
        out().flush();
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + message);
        err.flush();
        return EXIT_USER_ERROR;
    }
}
