package dev.midge.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A filesystem that really fills up: a 4 MiB tmpfs mounted on a directory, for tests of what a
 * broker does when its store cannot write. Needs root to mount (as in CI); the test is skipped
 * with the reason otherwise. Close it after whatever holds files open on it.
 */
public final class SmallDisk implements AutoCloseable {

    private final Path dir;

    private SmallDisk(Path dir) {
        this.dir = dir;
    }

    /** Mounts the tmpfs on {@code dir} (created if missing), or skips the calling test. */
    public static SmallDisk mount(Path dir) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assumeTrue(p.waitFor() == 0, "cannot mount a 4 MiB tmpfs to fill up (needs root): " + out.strip());
        return new SmallDisk(dir);
    }

    public Path dir() {
        return dir;
    }

    /** Fills the filesystem with one file until a write fails; delete the file to free the space. */
    public Path fill() throws IOException {
        Path ballast = dir.resolve("ballast");
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(ballast)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            // a smaller write may still fit the last pages
            try (OutputStream out = Files.newOutputStream(ballast, StandardOpenOption.APPEND)) {
                while (true) {
                    out.write(block, 0, 512);
                }
            } catch (IOException fuller) {
                return ballast;
            }
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        new ProcessBuilder("umount", "-l", dir.toString()).inheritIO().start().waitFor();
    }
}
