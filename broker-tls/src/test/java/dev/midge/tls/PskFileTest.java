package dev.midge.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** mosquitto's psk_file lines, and a bad one named by file:line. */
class PskFileTest {

    @TempDir
    Path dir;

    @Test
    void readsIdentityHexkeyLinesSkippingCommentsAndBlankLines() throws Exception {
        Path file = Files.writeString(dir.resolve("psk"), "# devices\n\ndev1:00ff\n  dev2:ABCD  \n");

        PskFile psk = PskFile.load(file);

        assertEquals(2, psk.size());
        assertArrayEquals(HexFormat.of().parseHex("00ff"), psk.key("dev1"));
        assertArrayEquals(HexFormat.of().parseHex("abcd"), psk.key("dev2"));
        assertNull(psk.key("dev3"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "dev1|expected identity:hexkey",
            "dev1:|the key of identity 'dev1' is not an even number of hex digits",
            "dev1:abc|the key of identity 'dev1' is not an even number of hex digits",
            "dev1:zz|the key of identity 'dev1' is not an even number of hex digits",
            ":00ff|expected identity:hexkey",
            "site:a:00ff|the key of identity 'site' is not an even number of hex digits"})
    void aBadLineIsNamedByFileAndLine(String line, String reason) throws Exception {
        Path file = Files.writeString(dir.resolve("psk"), "ok:00ff\n" + line + "\n");

        TlsFileException e = assertThrows(TlsFileException.class, () -> PskFile.load(file));

        assertEquals(file + ":2: " + reason, e.getMessage());
    }

    @Test
    void aDuplicateIdentityIsAnError() throws Exception {
        Path file = Files.writeString(dir.resolve("psk"), "dev1:00ff\ndev1:ff00\n");

        TlsFileException e = assertThrows(TlsFileException.class, () -> PskFile.load(file));

        assertEquals(file + ":2: duplicate identity 'dev1'", e.getMessage());
    }
}
