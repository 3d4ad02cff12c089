package dev.midge.broker.netty;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Which file under {@code http_dir} a request-target names, and whether it may be served. Blocking (it asks
 * the file system): called off the event loop.
 *
 * @param status OK with {@code path} the file to send, else what to answer
 * @param path   the file's real path, for OK
 * @param why    for a 403, the reason for the log line
 */
record StaticFile(HttpResponseStatus status, Path path, String why) {

    static StaticFile failed(HttpResponseStatus status, String why) {
        return new StaticFile(status, null, why);
    }

    /** @param root the directory's real path */
    static StaticFile resolve(Path root, String uri) throws IOException {
        if (!uri.startsWith("/")) {
            return failed(HttpResponseStatus.FORBIDDEN, "not a path on this server");
        }
        // Percent-decoded, so %2e%2e is seen as the ".." it is.
        String path = new QueryStringDecoder(uri).path();
        if (path.indexOf('\0') >= 0 || path.indexOf('\\') >= 0) {
            return failed(HttpResponseStatus.FORBIDDEN, "a NUL or backslash in the path");
        }
        for (String segment : path.split("/")) {
            if (segment.equals("..")) {
                return failed(HttpResponseStatus.FORBIDDEN, "'..' would leave http_dir");
            }
        }
        Path file;
        try {
            file = root.resolve(path.replaceFirst("^/+", "")).normalize();
        } catch (InvalidPathException e) {
            return failed(HttpResponseStatus.NOT_FOUND, null);
        }
        if (!file.startsWith(root)) {
            return failed(HttpResponseStatus.FORBIDDEN, "outside http_dir");
        }
        if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(file)) {
            return failed(HttpResponseStatus.NOT_FOUND, null);
        }
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            return failed(HttpResponseStatus.NOT_FOUND, null); // a dangling link
        }
        if (!real.startsWith(root)) {
            return failed(HttpResponseStatus.FORBIDDEN, "a symbolic link out of http_dir");
        }
        if (Files.isDirectory(real)) {
            Path index = real.resolve("index.html");
            if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
                return failed(HttpResponseStatus.NOT_FOUND, null);
            }
            real = index;
        }
        if (!Files.isRegularFile(real) || !Files.isReadable(real)) {
            return failed(HttpResponseStatus.NOT_FOUND, null);
        }
        return new StaticFile(HttpResponseStatus.OK, real, null);
    }
}
