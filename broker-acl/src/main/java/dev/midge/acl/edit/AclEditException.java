package dev.midge.acl.edit;

/**
 * An ACL edit that was not written: the file is missing, or the edited ACL would not parse.
 * The message is the whole line for the operator; the file is unchanged.
 */
public final class AclEditException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public AclEditException(String message) {
        super(message);
    }
}
