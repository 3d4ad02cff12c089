package dev.midge.pki.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Writes files so that a reader (the running broker polling the CRL or ACL) or a crash never
 * sees half a file: write a temporary file next to the target, fsync it, rename it over the
 * target, fsync the directory. Secret files are created 0600 from the first byte, never chmod-ed
 * afterwards, so there is no moment at which another user could open them.
 */
public final class AtomicFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    public static void writeString(Path target, String content, boolean secret) throws IOException {
        write(target, content.getBytes(StandardCharsets.UTF_8), secret);
    }

    public static void write(Path target, byte[] content, boolean secret) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        Path temp = dir.resolve("." + target.getFileName() + ".tmp-" + HexFormat.of().formatHex(suffix));
        try {
            try (FileChannel out = FileChannel.open(temp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    permissions(secret ? "rw-------" : "rw-r--r--"))) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
        syncDirectory(dir);
    }

    /** Creates a directory only its owner can enter (for the CA's private keys). */
    public static void createPrivateDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, permissions("rwx------"));
        }
    }

    private static FileAttribute<?>[] permissions(String mode) {
        if (!POSIX) {
            return new FileAttribute<?>[0];
        }
        Set<PosixFilePermission> perms = PosixFilePermissions.fromString(mode);
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(perms)};
    }

    /** Makes the rename itself durable; not possible (nor needed) on every platform. */
    private static void syncDirectory(Path dir) {
        if (!POSIX) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open a directory; the data is already fsync-ed.
        }
    }
}
