package dev.midge.broker.logging;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class LogSafeTest {

    @Test
    void controlCharactersAreEscapedAndEverythingElseKept() {
        assertEquals("a\\nb\\r\\t\\u0000\\u001b[31m\\u007f caf\u00e9", LogSafe.text("a\nb\r\t\u0000\u001b[31m\u007f caf\u00e9"));
        assertEquals("null", LogSafe.text(null));
    }

    @Test
    void aStringWithoutControlCharactersIsReturnedAsIs() {
        String s = "tenant1:dev1/attrs";
        assertSame(s, LogSafe.text(s));
    }
}
