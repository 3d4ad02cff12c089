package dev.midge.broker.persist;

import dev.midge.broker.message.Message;
import dev.midge.broker.retained.RetainedSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** check_retain_source needs a retained message's publisher after a restart; stores from before still load. */
class RetainedSourceStoreTest {

    private static final Message RETAINED = Message.of("sensors/t", "21.5".getBytes(StandardCharsets.UTF_8), 1, true);

    @TempDir
    Path dir;

    @Test
    void theSourceOfARetainedMessageSurvivesARestart() {
        RetainedSource source = new RetainedSource("dev1-publisher", "dev1", 1883);
        DurableState store = DurableState.open(dir, false);
        store.retainedChanged(RETAINED, source);
        store.retainedChanged(Message.of("app/t", "x".getBytes(StandardCharsets.UTF_8), 0, true), null);
        store.close();

        DurableState reopened = DurableState.open(dir, false);
        try {
            DurableState.Snapshot snapshot = reopened.takeSnapshot();
            assertEquals(2, snapshot.retained().size());
            assertEquals(Map.of("sensors/t", source), snapshot.retainedSources());
        } finally {
            reopened.close();
        }
    }

    @Test
    void aRecordWrittenBeforeSourcesWereKeptLoadsWithoutOne() {
        byte[] old = StoredForm.message(RETAINED); // the form every store so far holds

        assertArrayEquals(RETAINED.payload(), StoredForm.message(old).payload());
        assertNull(StoredForm.retainedSource(old));
        byte[] withSource = StoredForm.retained(RETAINED, new RetainedSource("c", null, 0));
        assertEquals("sensors/t", StoredForm.message(withSource).topic());
        assertEquals(new RetainedSource("c", null, 0), StoredForm.retainedSource(withSource));
    }
}
