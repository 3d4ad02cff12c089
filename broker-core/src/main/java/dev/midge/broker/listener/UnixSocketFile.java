package dev.midge.broker.listener;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Makes a unix socket listener's path free to bind. A broker killed with -9 leaves its socket file
 * behind, and bind() fails on any existing file; mosquitto (since 2.0.16) unlinks it first. Midge
 * removes it only when it is a socket that nobody answers on: a live broker's socket is left alone
 * (its clients would be cut off), and a regular file is never deleted, because a typo in the path
 * must not cost the operator a file.
 */
public final class UnixSocketFile {

    private UnixSocketFile() {
    }

    /** @throws IllegalStateException saying, for people, why the path cannot be used */
    public static void prepare(Path path) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return; // nothing there: bind creates it (and reports a missing directory itself)
        }
        if (!isSocket(path, attributes)) {
            String kind = attributes.isDirectory() ? "a directory" : attributes.isSymbolicLink() ? "a symbolic link"
                    : attributes.isRegularFile() ? "a regular file" : "a special file";
            throw new IllegalStateException("cannot listen on unix socket " + path + ": the path is " + kind
                    + ", not a socket; remove it or choose another path");
        }
        if (answers(path)) {
            throw new IllegalStateException("cannot listen on unix socket " + path + ": another process is listening "
                    + "on it");
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on unix socket " + path + ": cannot remove the stale socket "
                    + "file: " + e.getMessage(), e);
        }
    }

    /** S_IFSOCK in st_mode where the JDK shows it ("unix" view); otherwise whatever is neither file nor directory. */
    private static boolean isSocket(Path path, BasicFileAttributes attributes) {
        if (!attributes.isOther()) {
            return false;
        }
        try {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
            return (mode & 0170000) == 0140000;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return true;
        }
    }

    private static boolean answers(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false; // ECONNREFUSED: the socket's owner is gone
        }
    }
}
