package dev.midge.conf;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads a mosquitto.conf with mosquitto 2.0's semantics:
 *
 * <pre>{@code
 * ParsedConf parsed = MosquittoConf.parse(Path.of("/etc/mosquitto/mosquitto.conf"));
 * parsed.warnings().forEach(w -> log.warn(w.toString()));
 * BrokerConfig config = parsed.config();
 * }</pre>
 *
 * A mistake in the file throws {@link ConfigException} whose message is {@code file:line: reason}.
 */
public final class MosquittoConf {

    private MosquittoConf() {
    }

    /** Reads the file and, at each include_dir, the *.conf files of that directory. */
    public static ParsedConf parse(Path file) {
        return parse(file, TlsProviderDefault.JDK);
    }

    /** As {@link #parse(Path)}, certificate listeners without {@code midge_tls_provider} on {@code tlsProvider}. */
    public static ParsedConf parse(Path file, TlsProviderDefault tlsProvider) {
        return new ConfParser(file, tlsProvider).parse(ConfReader.readFile(file));
    }

    /**
     * Reads configuration text as if it were the file {@code nominalSource} (which need not
     * exist; it only names the lines in messages). include_dir still reads real directories.
     */
    public static ParsedConf parse(String text, Path nominalSource) {
        return parse(text, nominalSource, TlsProviderDefault.JDK);
    }

    /** As {@link #parse(String, Path)}, certificate listeners without {@code midge_tls_provider} on {@code tlsProvider}. */
    public static ParsedConf parse(String text, Path nominalSource, TlsProviderDefault tlsProvider) {
        return new ConfParser(nominalSource, tlsProvider).parse(ConfReader.readText(text, nominalSource));
    }

    /** The configuration of an empty file: mosquitto's defaults, no listeners (local-only). */
    public static BrokerConfig defaults() {
        return new ConfParser(null, TlsProviderDefault.JDK).parse(List.of()).config();
    }
}
