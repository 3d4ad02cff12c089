package dev.midge.conf;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A listener's TLS options while its block is being read. */
final class TlsDraft {

    static final Set<String> NAMES = Set.of("cafile", "capath", "certfile", "keyfile", "tls_version",
            "ciphers", "ciphers_tls1.3", "require_certificate", "use_identity_as_username",
            "use_subject_as_username", "crlfile", "psk_hint", "tls_engine", "tls_keyform", "keyform",
            "tls_keylog", "midge_crl_expired_warn_only");

    private final Setting<Path> cafile = new Setting<>();
    private final Setting<Path> capath = new Setting<>();
    private final Setting<Path> certfile = new Setting<>();
    private final Setting<Path> keyfile = new Setting<>();
    private final Setting<String> tlsVersion = new Setting<>();
    private final Setting<String> ciphers = new Setting<>();
    private final Setting<String> ciphersTls13 = new Setting<>();
    private final Setting<Path> crlfile = new Setting<>();
    private final Setting<String> pskHint = new Setting<>();
    private final Setting<String> tlsEngine = new Setting<>();
    private final Setting<String> keyform = new Setting<>();
    private final Setting<Path> tlsKeylog = new Setting<>();
    private boolean requireCertificate;
    private boolean useIdentityAsUsername;
    private boolean useSubjectAsUsername;
    private boolean crlExpiredWarnOnly;
    /** The first line of each option that asks for TLS, to name it if there is no certfile. */
    private final Map<String, ConfigLocation> tlsAskedFor = new LinkedHashMap<>();

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        tlsAskedFor.putIfAbsent(line.option(), line.at());
        switch (line.option()) {
            case "cafile" -> cafile.set(line, Values.path(line));
            case "capath" -> capath.set(line, Values.path(line));
            case "certfile" -> certfile.set(line, Values.path(line));
            case "keyfile" -> keyfile.set(line, Values.path(line));
            case "crlfile" -> crlfile.set(line, Values.path(line));
            case "tls_keylog" -> tlsKeylog.set(line, Values.path(line));
            case "tls_version" -> tlsVersion.set(line, tlsVersion(line));
            case "ciphers" -> ciphers.set(line, OpenSslCipherList.ciphers(line, warnings));
            case "ciphers_tls1.3" -> ciphersTls13.set(line, OpenSslCipherList.ciphersTls13(line, warnings));
            case "require_certificate" -> requireCertificate = asksForTls(line, Values.bool(line));
            case "use_identity_as_username" -> useIdentityAsUsername = asksForTls(line, Values.bool(line));
            case "use_subject_as_username" -> useSubjectAsUsername = asksForTls(line, Values.bool(line));
            case "midge_crl_expired_warn_only" -> crlExpiredWarnOnly = asksForTls(line, Values.bool(line));
            case "psk_hint" -> {
                pskHint.set(line, Values.text(line));
                warnings.add(line.warning(OptionTable.notSupported("psk_hint")));
            }
            case "tls_engine" -> {
                tlsEngine.set(line, Values.text(line));
                warnings.add(line.warning(OptionTable.notSupported("tls_engine")));
            }
            case "tls_keyform", "keyform" -> {
                String form = Values.word(line);
                if (!form.equals("pem") && !form.equals("engine")) {
                    throw line.error("'" + form + "' is not a valid value for " + line.option() + "; use pem or engine");
                }
                if (form.equals("engine")) {
                    // The key lives in an HSM or token; Java cannot reach an OpenSSL engine, and a
                    // listener that served a key copied out of it would defeat the point.
                    throw line.error(line.option() + " engine cannot be honoured: the private key is in an OpenSSL "
                            + "engine (HSM/token) and Midge cannot use OpenSSL engines; give keyfile as a PEM key "
                            + "file instead");
                }
                keyform.set(line, form);
            }
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    private static String tlsVersion(ConfLine line) {
        String version = Values.word(line);
        return switch (version) {
            case "tlsv1.2", "tlsv1.3" -> version;
            case "tlsv1.1" -> throw line.error("TLS 1.1 is not supported; use tlsv1.2 or tlsv1.3");
            case "tlsv1", "tlsv1.0" -> throw line.error("TLS 1.0 is not supported; use tlsv1.2 or tlsv1.3");
            default -> throw line.error("'" + version + "' is not a valid tls_version; use tlsv1.2 or tlsv1.3");
        };
    }

    /** A boolean option set to false does not ask for TLS. */
    private boolean asksForTls(ConfLine line, boolean value) {
        if (!value) {
            tlsAskedFor.remove(line.option());
        }
        return value;
    }

    /**
     * A listener is TLS only with a certfile (as in mosquitto). Options that only mean something
     * on a TLS listener, on one without certfile, would leave it serving plain MQTT: the operator
     * asked for protection that would silently not be there, so start-up is refused.
     *
     * @param perListenerPskFileAt this listener's own psk_file line (per_listener_settings), or null
     */
    void refuseWhatCannotBeHonoured(ConfigLocation perListenerPskFileAt) {
        if (certfile.isSet()) {
            if (crlfile.isSet() && !cafile.isSet() && !capath.isSet()) {
                throw new ConfigException(crlfile.at(), "crlfile cannot be honoured without cafile or capath: no "
                        + "client certificate is asked for or checked, so the CRL would revoke nothing");
            }
            return;
        }
        if (pskHint.isSet()) {
            throw new ConfigException(pskHint.at(), "psk_hint cannot be honoured: Midge does not implement TLS-PSK, "
                    + "and this listener has no certfile, so it would serve plain MQTT instead; remove psk_hint or "
                    + "give the listener a certfile and keyfile");
        }
        if (perListenerPskFileAt != null) {
            throw new ConfigException(perListenerPskFileAt, "psk_file cannot be honoured: Midge does not implement "
                    + "TLS-PSK, and this listener has no certfile, so it would serve plain MQTT instead");
        }
        tlsAskedFor.remove("tls_engine");   // an accelerator only, warned where it is given
        tlsAskedFor.remove("tls_keylog");
        if (!tlsAskedFor.isEmpty()) {
            Map.Entry<String, ConfigLocation> first = tlsAskedFor.entrySet().iterator().next();
            throw new ConfigException(first.getValue(), first.getKey() + " cannot be honoured: this listener has "
                    + "no certfile, so it would serve plain MQTT without TLS; add certfile and keyfile, or remove "
                    + String.join(", ", tlsAskedFor.keySet()));
        }
    }

    TlsOptions build(Path pskFile) {
        return new TlsOptions(cafile.get(), capath.get(), certfile.get(), keyfile.get(), tlsVersion.get(),
                ciphers.get(), ciphersTls13.get(), requireCertificate, useIdentityAsUsername,
                useSubjectAsUsername, crlfile.get(), pskHint.get(), pskFile, tlsEngine.get(), keyform.get(),
                tlsKeylog.get(), crlExpiredWarnOnly);
    }
}
