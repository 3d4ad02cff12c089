package dev.midge.pki;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogEscapeTest {

    @Test
    void controlCharactersAndBackslashesAreEscapedAndPrintableTextIsKept() {
        assertEquals("a\\nb\\rc\\td\\u001b[31m\\\\e \u00e9\\u0085\\u2028", LogEscape.of("a\nb\rc\td\u001b[31m\\e \u00e9\u0085\u2028"));
        assertEquals("null", LogEscape.of(null));
    }

    @Test
    void longStringsAreCut() {
        String escaped = LogEscape.of("x".repeat(1000));
        assertEquals("x".repeat(LogEscape.MAX_CHARS) + "...(1000 chars)", escaped);
    }
}
