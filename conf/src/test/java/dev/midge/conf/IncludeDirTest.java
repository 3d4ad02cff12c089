package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** include_dir reads a directory's *.conf files in mosquitto's order, at the point it appears. */
class IncludeDirTest {

    @TempDir
    Path dir;

    @Test
    void includedFilesAreReadInMosquittoOrderAtTheIncludePoint() throws IOException {
        Path confD = Files.createDirectory(dir.resolve("conf.d"));
        String[] names = {"b.conf", "A.conf", "01.conf", "a.conf", "B.conf", "00.conf"};
        for (int i = 0; i < names.length; i++) {
            Files.writeString(confD.resolve(names[i]), "listener " + (10000 + i) + "\n");
        }
        Files.writeString(confD.resolve("notes.txt"), "listener 9999\n");
        Files.writeString(confD.resolve("old.conf.bak"), "listener 9998\n");
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
                "listener 1000\ninclude_dir " + confD + "\nlistener 2000\n");

        List<Integer> ports = ports(MosquittoConf.parse(conf).config());

        // 00.conf, 01.conf, A.conf, a.conf, B.conf, b.conf as mosquitto.conf(5) documents.
        assertEquals(List.of(1000, 10005, 10002, 10001, 10003, 10004, 10000, 2000), ports);
    }

    @Test
    void severalIncludeDirsAreEachReadCompletelyInTurn() throws IOException {
        Path one = Files.createDirectory(dir.resolve("one.d"));
        Path two = Files.createDirectory(dir.resolve("two.d"));
        Files.writeString(one.resolve("B.conf"), "listener 2\n");
        Files.writeString(one.resolve("C.conf"), "listener 3\n");
        Files.writeString(two.resolve("A.conf"), "listener 1\n");
        Files.writeString(two.resolve("D.conf"), "listener 4\n");
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
                "include_dir " + one + "\ninclude_dir " + two + "\n");

        assertEquals(List.of(2, 3, 1, 4), ports(MosquittoConf.parse(conf).config()));
    }

    @Test
    void errorInsideAnIncludedFileNamesThatFileAndLine() throws IOException {
        Path confD = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(confD.resolve("10-ok.conf"), "listener 1883\n");
        Files.writeString(confD.resolve("20-tls.conf"), "listener 8883\n\nrequire_certificate perhaps\n");
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "include_dir " + confD + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(confD.resolve("20-tls.conf") + ":3: 'perhaps' is not a valid value for require_certificate; "
                + "use true or false", e.getMessage());
    }

    @Test
    void warningInsideAnIncludedFileNamesThatFileAndLine() throws IOException {
        Path confD = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(confD.resolve("extra.conf"), "# tuning\nallow_duplicate_messages true\n");
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "include_dir " + confD + "\n");

        assertEquals(List.of(new ConfigWarning(confD.resolve("extra.conf"), 2,
                        "option 'allow_duplicate_messages' is not supported by Midge and is ignored")),
                MosquittoConf.parse(conf).warnings());
    }

    @Test
    void includeDirThatIsNotAReadableDirectoryIsAnErrorAtItsLine() throws IOException {
        Path file = Files.writeString(dir.resolve("not-a-dir.conf"), "listener 1\n");
        Path missing = dir.resolve("missing.d");

        for (Path target : List.of(file, missing)) {
            Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "\ninclude_dir " + target + "\n");

            ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

            assertEquals(conf + ":2: include_dir '" + target + "' is not a readable directory", e.getMessage());
        }
    }

    @Test
    void includeDirInsideAnIncludedFileIsIgnoredWithAWarning() throws IOException {
        Path inner = Files.createDirectory(dir.resolve("inner.d"));
        Files.writeString(inner.resolve("x.conf"), "listener 7\n");
        Path confD = Files.createDirectory(dir.resolve("conf.d"));
        Files.writeString(confD.resolve("a.conf"), "listener 1\ninclude_dir " + inner + "\n");
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "include_dir " + confD + "\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(1), ports(parsed.config()));
        assertEquals(List.of(new ConfigWarning(confD.resolve("a.conf"), 2,
                "include_dir is only read from the main configuration file; ignored")), parsed.warnings());
    }

    @Test
    void eachFileStartsInTheDefaultScopeAndTheIncludingFileCarriesOnAfterwards() throws IOException {
        Path confD = Files.createDirectory(dir.resolve("conf.d"));
        // As in mosquitto: options before a file's first listener are the default listener's,
        // not the previous file's last listener; a bridge block ends with its file.
        Files.writeString(confD.resolve("a.conf"), "listener 8883\ncertfile /srv.crt\nconnection up\naddress up.example\ntopic a\n");
        Files.writeString(confD.resolve("b.conf"), "keyfile /srv.key\n");
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"),
                "listener 1883\ninclude_dir " + confD + "\nmax_connections 3\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        List<ListenerConfig> listeners = parsed.config().listeners();
        assertEquals(List.of(1883, 8883), ports(parsed.config()));
        assertEquals(3, listeners.get(0).maxConnections());
        assertEquals(-1, listeners.get(1).maxConnections());
        assertEquals(Path.of("/srv.crt"), listeners.get(1).tls().certfile());
        assertEquals(null, listeners.get(1).tls().keyfile());
        assertEquals(new ConfigWarning(confD.resolve("b.conf"), 1, "options before the first 'listener' configure "
                + "the default listener, which is not started without 'port'; they are ignored"),
                parsed.warnings().get(0));
        assertEquals(1, parsed.config().bridges().size());
    }

    @Test
    void includeDirContainingTheMainFileIsAnError() throws IOException {
        Path conf = Files.writeString(dir.resolve("mosquitto.conf"), "listener 1883\ninclude_dir " + dir + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(conf + ":2: include_dir '" + dir + "' contains the main configuration file " + conf, e.getMessage());
    }

    private static List<Integer> ports(BrokerConfig config) {
        return config.listeners().stream().map(ListenerConfig::port).toList();
    }
}
