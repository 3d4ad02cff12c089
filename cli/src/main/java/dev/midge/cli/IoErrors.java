package dev.midge.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Puts an I/O failure in words. The JDK's file-system exceptions carry only the path as their
 * message ("error: /data/index.txt.lock" says nothing); the exception's type is the cause.
 */
public final class IoErrors {

    private IoErrors() {
    }

    public static String describe(Throwable e) {
        if (e instanceof FileSystemException f) {
            String where = f.getOtherFile() != null ? f.getFile() + " -> " + f.getOtherFile() : f.getFile();
            return (where != null ? where + ": " : "") + cause(f);
        }
        if (e instanceof IOException && e.getMessage() == null) {
            return e.getClass().getSimpleName();
        }
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    private static String cause(FileSystemException f) {
        String reason = f.getReason();
        if (f instanceof AccessDeniedException) {
            return reason != null ? reason : "permission denied";
        }
        if (f instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (f instanceof NotDirectoryException) {
            return "not a directory";
        }
        if (f instanceof FileAlreadyExistsException) {
            return "already exists";
        }
        if (f instanceof DirectoryNotEmptyException) {
            return "is a directory that is not empty";
        }
        return reason != null ? reason : f.getClass().getSimpleName();
    }
}
