package dev.midge.broker.reload;

import dev.midge.testing.Deadlines;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

class FileWatcherTest {

    @TempDir
    Path dir;

    /**
     * An editor or {@code Files.writeString} truncates the file and then writes it. The directory
     * wake-up comes with the truncation; a watcher that read at once would put an empty file in
     * force (for an ACL: valid, and denying everything). The poll interval here is an hour, so only
     * the wake-up can find the change.
     */
    @Test
    void aFileBeingRewrittenIsReadOnceTheWriterIsDoneNotAtTheTruncation() throws Exception {
        Path file = Files.writeString(dir.resolve("acl"), "first\n");
        List<String> loaded = new CopyOnWriteArrayList<>();
        Reloadable<String> reloadable = Reloadable.load("test file", List.of(file), () -> {
            String text = Files.readString(file);
            loaded.add(text);
            return text;
        });
        try (FileWatcher watcher = new FileWatcher(Duration.ofHours(1))) {
            watcher.watch(reloadable);
            loaded.clear();

            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) { // truncates
                out.flush();
                // The writer's own pace between truncating and writing, well inside the settle time;
                // not a synchronisation: what the test waits for is the reload below.
                Thread.sleep(FileWatcher.SETTLE.toMillis() / 5);
                out.write("second\n");
            }

            await().atMost(Deadlines.RELOAD).pollInterval(Deadlines.POLL).until(() -> "second\n".equals(reloadable.get()));
            assertEquals(List.of("second\n"), loaded, "every version the watcher read");
        }
    }
}
