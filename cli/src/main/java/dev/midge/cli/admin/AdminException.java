package dev.midge.cli.admin;

/** A user's mistake on the command line: printed as one line, exit code 1, no stack trace. */
public final class AdminException extends RuntimeException {

    AdminException(String message) {
        super(message);
    }
}
