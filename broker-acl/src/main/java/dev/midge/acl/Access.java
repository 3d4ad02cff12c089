package dev.midge.acl;

import java.util.Locale;

/** The access a {@code topic} or {@code pattern} line grants, as mosquitto spells it. */
public enum Access {
    READ(AclTrie.READ),
    WRITE(AclTrie.WRITE),
    READWRITE(AclTrie.READ | AclTrie.WRITE),
    /** Takes precedence over every grant that also matches, wherever it is in the file. */
    DENY(AclTrie.DENY);

    final int bits;

    Access(int bits) {
        this.bits = bits;
    }

    /** The access named by an ACL file word, or null if the word is not one. */
    static Access byWord(String word) {
        return switch (word) {
            case "read" -> READ;
            case "write" -> WRITE;
            case "readwrite" -> READWRITE;
            case "deny" -> DENY;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
