package dev.midge.cli.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Application class-data sharing for the re-launched broker: the first run records the classes it
 * loaded into an archive when it exits ({@code -XX:ArchiveClassesAtExit}, JDK 13+, so 17 and 25
 * alike); later runs map them from it ({@code -XX:SharedArchiveFile}) instead of reading, parsing
 * and verifying several thousand classes of Netty, BouncyCastle and logback again, which on a
 * small machine takes a fresh broker's first second or two. The JVM writes to a name of this
 * launcher's own; the launcher renames it into place once the broker has exited, so a broker
 * starting meanwhile never maps a half-written file. The archive's name carries the jar's path,
 * size and time and the JDK, so a new jar or JDK records a new one.
 *
 * <p>It lives in the user's cache ({@code $XDG_CACHE_HOME/midge}, else {@code ~/.cache/midge}),
 * never in a shared directory: the JVM runs the classes it maps, so only a directory owned by this
 * user and closed to others is used; anything else and the broker starts without an archive, as
 * before. CDS's own warnings (classes it skips) are turned off: they are not the user's to act on.
 */
final class ClassDataArchive {

    /** Option keys ({@link LeanJvmOptions#keyOf}) by which the user takes class-data sharing into their own hands. */
    private static final Set<String> USER_KEYS = Set.of("SharedArchiveFile", "ArchiveClassesAtExit",
            "AutoCreateSharedArchive", "-Xshare:off", "-Xshare:on", "-Xshare:auto", "-Xshare:dump", "SharedClassListFile");
    private static final List<String> QUIET = List.of("-Xlog:cds=off", "-Xlog:cds+dynamic=off");
    private static final String TEMPORARY = ".tmp-";
    /** Archives of other jars and JDKs kept beside the newest (a few builds' worth, each some 15 MB). */
    private static final int KEEP = 4;

    private final Path archive;
    private final boolean recording;

    private ClassDataArchive(Path archive, boolean recording) {
        this.archive = archive;
        this.recording = recording;
    }

    /** The archive for this jar and JDK, or empty when the user chose their own or the cache is unusable. */
    static Optional<ClassDataArchive> forJar(Path jar, List<String> userOptions, Map<String, String> env) {
        for (String option : userOptions) {
            if (USER_KEYS.contains(LeanJvmOptions.keyOf(option))) {
                return Optional.empty();
            }
        }
        try {
            Optional<Path> dir = cacheDirectory(env);
            if (dir.isEmpty()) {
                return Optional.empty();
            }
            Path archive = dir.get().resolve("broker-" + key(jar, userOptions) + ".jsa");
            removeLeftovers(dir.get());
            return Optional.of(new ClassDataArchive(archive, !Files.isRegularFile(archive, LinkOption.NOFOLLOW_LINKS)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // no archive: the broker starts as it would without one
        }
    }

    /** The JVM options: use the archive, or record it at exit under this launcher's temporary name. */
    List<String> options() {
        List<String> options = new ArrayList<>();
        options.add(recording ? "-XX:ArchiveClassesAtExit=" + temporary() : "-XX:SharedArchiveFile=" + archive);
        options.addAll(QUIET);
        return options;
    }

    /** Once the broker has exited: the recorded archive, if the JVM wrote one, takes its place. */
    void brokerExited() {
        if (!recording) {
            return;
        }
        Path written = temporary();
        try {
            if (Files.size(written) > 0) {
                Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                keepNewest(archive.getParent());
            }
        } catch (IOException notWritten) {
            // The broker was killed before it could record one: the next run records it.
        } finally {
            try {
                Files.deleteIfExists(written);
            } catch (IOException ignored) {
                // removed as a leftover next time
            }
        }
    }

    Path archive() {
        return archive;
    }

    private Path temporary() {
        return archive.resolveSibling(archive.getFileName() + TEMPORARY + ProcessHandle.current().pid());
    }

    /** Removes all but the {@link #KEEP} most recently written archives (a broker mapping one keeps its mapping). */
    private static void keepNewest(Path dir) throws IOException {
        List<Path> archives = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "broker-*.jsa")) {
            for (Path f : files) {
                if (f.getFileName().toString().matches("broker-[0-9a-f]+\\.jsa")) {
                    archives.add(f);
                }
            }
        }
        archives.sort(NEWEST_FIRST);
        for (Path old : archives.subList(Math.min(KEEP, archives.size()), archives.size())) {
            Files.deleteIfExists(old);
        }
    }

    /** A class, not a lambda, as everywhere in the launcher (see {@link LauncherFootprint}). */
    private static final Comparator<Path> NEWEST_FIRST = new Comparator<>() {
        @Override
        public int compare(Path a, Path b) {
            return Long.compare(modified(b), modified(a));
        }
    };

    private static long modified(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis();
        } catch (IOException gone) {
            return 0;
        }
    }

    /** What a launcher that was killed outright left behind (its pid no longer runs). */
    private static void removeLeftovers(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                int at = name.lastIndexOf(TEMPORARY);
                if (at > 0) {
                    try {
                        long pid = Long.parseLong(name.substring(at + TEMPORARY.length()));
                        if (ProcessHandle.of(pid).isEmpty()) {
                            Files.deleteIfExists(f);
                        }
                    } catch (NumberFormatException notOurs) {
                        // leave it
                    }
                }
            }
        }
    }

    /** The user's cache directory for Midge, created closed to others; empty unless it is this user's alone. */
    static Optional<Path> cacheDirectory(Map<String, String> env) throws IOException {
        String xdg = env.get("XDG_CACHE_HOME");
        String home = System.getProperty("user.home");
        Path base;
        if (xdg != null && Path.of(xdg).isAbsolute()) {
            base = Path.of(xdg);
        } else if (home != null && !home.isBlank() && !home.equals("?")) {
            base = Path.of(home, ".cache");
        } else {
            return Optional.empty();
        }
        Path dir = base.resolve("midge");
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(base);
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
        boolean ours = Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"));
        boolean closed = !permissions.contains(PosixFilePermission.GROUP_WRITE)
                && !permissions.contains(PosixFilePermission.OTHERS_WRITE);
        return ours && closed && Files.isWritable(dir) ? Optional.of(dir) : Optional.empty();
    }

    /**
     * The jar (path, size, time), the JDK (home, version) and the user's JVM options (a heap over
     * 32 GiB, say, makes an archive unusable): a change to any records a new archive.
     */
    private static String key(Path jar, List<String> userOptions) throws IOException {
        String identity = jar.toAbsolutePath() + "\n" + Files.size(jar) + "\n" + Files.getLastModifiedTime(jar).toMillis()
                + "\n" + System.getProperty("java.home") + "\n" + Runtime.version() + "\n" + userOptions;
        // FNV-1a: a cache key, not a defence (the directory's permissions are); MessageDigest would
        // load the security providers into the launcher, which stays resident beside the broker.
        long hash = 0xcbf29ce484222325L;
        for (byte b : identity.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xFF)) * 0x100000001b3L;
        }
        return Long.toHexString(hash);
    }
}
