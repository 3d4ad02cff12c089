package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Options mosquitto knows and Midge does not: one warning each; options nobody knows: an error. */
class UnsupportedOptionsTest {

    @TempDir
    Path dir;

    static Stream<String> unsupportedOptions() {
        return OptionTable.UNSUPPORTED.keySet().stream();
    }

    @ParameterizedTest
    @MethodSource("unsupportedOptions")
    void knownButUnimplementedOptionGivesExactlyOneWarningAtItsLine(String option) throws IOException {
        Path conf = write("""
                listener 1883
                # a comment line still counts
                %s some-value
                allow_anonymous true
                """.formatted(option));

        List<ConfigWarning> warnings = MosquittoConf.parse(conf).warnings();

        assertEquals(List.of(new ConfigWarning(conf, 3, "option '" + option + "' is not supported by Midge and is ignored")),
                warnings);
        assertEquals(conf + ":3: option '" + option + "' is not supported by Midge and is ignored",
                warnings.get(0).toString());
    }

    @Test
    void bridgeOptionsMidgeLacksAreWarnedEachAndLaterOptionsStillApply() throws IOException {
        Path conf = write("""
                listener 1883
                connection to-cloud
                address cloud.example
                topic # out 1
                bridge_bind_address 10.0.0.1
                bridge_receive_maximum 10
                max_queued_messages 5
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(new ConfigWarning(conf, 5, "option 'bridge_bind_address' is not supported by Midge and is "
                + "ignored"), new ConfigWarning(conf, 6, "option 'bridge_receive_maximum' is not supported by Midge "
                + "and is ignored")), parsed.warnings());
        assertEquals(5, parsed.config().maxQueuedMessages());
        assertEquals("to-cloud", parsed.config().bridges().get(0).name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"topic sensors/# out 1", "address broker.example:1883", "remote_username u",
            "cleansession true"})
    void bridgeOptionWithoutConnectionIsAnError(String line) throws IOException {
        Path conf = write("listener 1883\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        String option = line.split(" ")[0];
        assertEquals(conf + ":2: option '" + option + "' belongs to a bridge and needs a 'connection' line before it",
                e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plugin_opt_config_file /x.json", "auth_opt_backend files",
            "auth_plugin_deny_special_chars false"})
    void pluginOptionWithoutPluginIsAnError(String line) throws IOException {
        Path conf = write(line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(conf + ":1: option '" + line.split(" ")[0] + "' needs a 'plugin' line before it", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"foo bar", "allow_anonymus true", "keyfile_password secret", "Port 1883"})
    void optionNeitherMosquittoNorMidgeKnowsIsAnError(String line) throws IOException {
        Path conf = write("listener 1883\n\n" + line + "\n");

        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(conf));

        assertEquals(conf + ":3: unknown option '" + line.split(" ")[0] + "'", e.getMessage());
        assertEquals(conf, e.file());
        assertEquals(3, e.line());
    }

    @Test
    void pskHintNextToCertfileIsServedAndAnEngineWithoutKeyformEngineIsWarnedOnce() throws IOException {
        // As in mosquitto, a listener with certfile and psk_hint serves both; an engine without
        // keyform engine only accelerates.
        Path conf = write("""
                listener 8883
                certfile /etc/mosquitto/server.crt
                keyfile /etc/mosquitto/server.key
                psk_hint midge
                psk_file /etc/mosquitto/psk
                tls_engine pkcs11
                tls_keyform pem
                """);

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(List.of(
                new ConfigWarning(conf, 6, "option 'tls_engine' is not supported by Midge and is ignored")),
                parsed.warnings());
        TlsOptions tls = parsed.config().listeners().get(0).tls();
        assertEquals("midge", tls.pskHint());
        assertEquals(Path.of("/etc/mosquitto/psk"), tls.pskFile());
        assertEquals("pkcs11", tls.tlsEngine());
        assertEquals("pem", tls.keyform());
    }

    @Test
    void logDestDltIsWarnedWithTheReasonAndLogsGoToStderr() throws IOException {
        Path conf = write("log_dest dlt\n");

        ParsedConf parsed = MosquittoConf.parse(conf);

        assertEquals(1, parsed.warnings().size(), parsed.warnings().toString());
        assertTrue(parsed.warnings().get(0).toString().startsWith(conf + ":1: log_dest dlt is ignored: DLT (the "
                + "automotive Diagnostic Log and Trace daemon) needs its C library"), parsed.warnings().toString());
        assertEquals(java.util.Set.of(BrokerConfig.LogDestination.STDERR), parsed.config().logDestinations());
    }

    @Test
    void logDestTopicAndSyslogAreHonouredAndReplaceStderr() throws IOException {
        ParsedConf parsed = MosquittoConf.parse(write("log_dest topic\nlog_dest syslog\nlog_facility 2\n"));

        assertEquals(List.of(), parsed.warnings());
        assertEquals(java.util.Set.of(BrokerConfig.LogDestination.TOPIC, BrokerConfig.LogDestination.SYSLOG),
                parsed.config().logDestinations());
    }

    @Test
    void logFacilityIsLocal0ToLocal7AndDaemonByDefault() throws IOException {
        assertEquals(LogOptions.LOG_DAEMON, MosquittoConf.parse(write("log_dest syslog\n")).config().log().syslogFacility());
        assertEquals(16 + 5, MosquittoConf.parse(write("log_facility 5\n")).config().log().syslogFacility());
        ConfigException e = assertThrows(ConfigException.class, () -> MosquittoConf.parse(write("log_facility 8\n")));
        assertTrue(e.getMessage().contains(":1:"), e.getMessage());
    }

    private Path write(String text) throws IOException {
        return Files.writeString(dir.resolve("mosquitto.conf"), text);
    }
}
