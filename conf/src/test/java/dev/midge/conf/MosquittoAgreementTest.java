package dev.midge.conf;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Checks Midge's idea of which options exist against the real mosquitto 2.0 binary: each conf
 * ends in a line mosquitto rejects, so mosquitto exits after reading it, and the line it reports
 * says whether it accepted the option under test (error at the last line) or not.
 */
class MosquittoAgreementTest {

    private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
    private static final Pattern ERROR_AT = Pattern.compile("Error found at (.+):(\\d+)\\.");

    /** A value mosquitto accepts for options where "1" will not do. */
    private static final Map<String, String> SAMPLE_VALUES = Map.ofEntries(
            Map.entry("max_packet_size", "100"),
            Map.entry("persistent_client_expiration", "14d"),
            Map.entry("tls_engine_kpass_sha1", "0123456789abcdef0123456789abcdef01234567"),
            Map.entry("start_type", "automatic"),
            Map.entry("bridge_protocol_version", "mqttv311"),
            Map.entry("bridge_tls_version", "tlsv1.2"),
            Map.entry("keepalive_interval", "60"),
            Map.entry("max_keepalive", "60"),
            Map.entry("address", "127.0.0.1"),
            Map.entry("addresses", "127.0.0.1"),
            Map.entry("tls_version", "tlsv1.2"),
            Map.entry("tls_keyform", "pem"),
            Map.entry("protocol", "mqtt"),
            Map.entry("socket_domain", "ipv4"),
            Map.entry("log_dest", "stderr"),
            Map.entry("log_type", "error"),
            Map.entry("port", "1883"),
            Map.entry("bind_address", "127.0.0.1"),
            Map.entry("listener", "0 /nonexistent/mqtt.sock"));

    @TempDir
    Path dir;

    @BeforeAll
    static void mosquittoIsInstalled() {
        Assumptions.assumeTrue(Files.isExecutable(MOSQUITTO), "mosquitto 2.0 binary installed");
    }

    static Stream<String> unsupportedOptionsMosquitto20Knows() {
        return Stream.of(OptionTable.UNSUPPORTED.keySet(), OptionTable.REFUSED.keySet(),
                        OptionTable.REFUSED_WHEN_TRUE.keySet())
                .flatMap(java.util.Set::stream).filter(n -> !OptionTable.NEWER_THAN_2_0.contains(n));
    }

    static Stream<String> bridgeOptionsMosquitto20Knows() {
        return OptionTable.BRIDGE_OPTIONS.stream().filter(n -> !OptionTable.NEWER_THAN_2_0.contains(n));
    }

    static Stream<String> implementedMosquittoOptions() {
        return Stream.of(GlobalDraft.NAMES, SecurityDraft.NAMES, TlsDraft.NAMES, ListenerDraft.NAMES,
                        java.util.Set.of("listener", "port", "bind_address", "per_listener_settings"))
                .flatMap(java.util.Set::stream)
                // Midge's own additions, documented in the README.
                .filter(n -> !n.startsWith("midge_") && !n.equals("keyform") && !n.equals("tls_keylog"));
    }

    @ParameterizedTest
    @MethodSource({"unsupportedOptionsMosquitto20Knows", "implementedMosquittoOptions"})
    void mosquittoAcceptsEveryOptionMidgeKnows(String option) throws Exception {
        Path conf = write("listener 0 /nonexistent/mqtt.sock\n" + option + " " + sample(option) + "\nzz_sentinel 1\n");

        assertEquals(3, mosquittoErrorLine(conf), "mosquitto rejected '" + option + "'");
    }

    @ParameterizedTest
    @MethodSource("bridgeOptionsMosquitto20Knows")
    void mosquittoAcceptsEveryBridgeOptionMidgeSkips(String option) throws Exception {
        Path conf = write("connection b\n" + option + " " + sample(option) + "\nzz_sentinel 1\n");

        assertEquals(3, mosquittoErrorLine(conf), "mosquitto rejected bridge option '" + option + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo", "allow_anonymus", "keyfile_password", "Port", "keyform", "tls_keylog"})
    void optionsMosquittoRejectsAreUnknownToMidgeToo(String option) throws Exception {
        Path conf = write("listener 0 /nonexistent/mqtt.sock\n" + option + " 1\nzz_sentinel 1\n");

        assertEquals(2, mosquittoErrorLine(conf));
        if (!option.equals("keyform") && !option.equals("tls_keylog")) {
            ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));
            assertEquals(2, e.line());
        }
    }

    private static String sample(String option) {
        return SAMPLE_VALUES.getOrDefault(option, "1");
    }

    private int mosquittoErrorLine(Path conf) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(MOSQUITTO.toString(), "-c", conf.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        Matcher m = ERROR_AT.matcher(output);
        if (!m.find()) {
            throw new AssertionError("mosquitto reported no configuration error:\n" + output);
        }
        return Integer.parseInt(m.group(2));
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
