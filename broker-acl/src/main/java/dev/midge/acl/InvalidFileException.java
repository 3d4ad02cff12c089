package dev.midge.acl;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file a person wrote (ACL, password file) that cannot be used. The message is the whole
 * log line, {@code FILE:LINE: what is wrong}, because {@link dev.midge.broker.reload.Reloadable}
 * logs exactly the message and start-up prints exactly the message.
 */
public final class InvalidFileException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidFileException(String message) {
        super(message);
    }

    public static InvalidFileException atLine(String file, int line, String what) {
        return new InvalidFileException(file + ":" + line + ": " + what);
    }

    public static InvalidFileException unreadable(Path file, IOException cause) {
        String why = cause instanceof NoSuchFileException ? "no such file"
                : cause instanceof CharacterCodingException ? "it is not UTF-8 text"
                : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new InvalidFileException(file + ": cannot be read: " + why);
    }
}
