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
            case "ciphers" -> ciphers.set(line, OpenSslCipherList.check(line));
            case "ciphers_tls1.3" -> ciphersTls13.set(line, OpenSslCipherList.check(line));
            case "require_certificate" -> requireCertificate = asksForTls(line, Values.bool(line));
            case "use_identity_as_username" -> useIdentityAsUsername = asksForTls(line, Values.bool(line));
            case "use_subject_as_username" -> useSubjectAsUsername = asksForTls(line, Values.bool(line));
            case "midge_crl_expired_warn_only" -> crlExpiredWarnOnly = asksForTls(line, Values.bool(line));
            case "psk_hint" -> pskHint.set(line, Values.text(line));
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
     * A listener is TLS with a certfile, or TLS-PSK with a psk_hint (as in mosquitto). Options
     * that only mean something on a certificate listener, on one without certfile, would leave it
     * serving plain MQTT, or a PSK listener checking nothing they ask for: the operator asked for
     * protection that would silently not be there, so start-up is refused.
     *
     * @param pskFile              the psk_file in effect for this listener, or null
     * @param perListenerPskFileAt this listener's own psk_file line (per_listener_settings), or null
     * @param warnings             where a PSK setting Midge does not serve on this listener is named
     */
    void refuseWhatCannotBeHonoured(Path pskFile, ConfigLocation perListenerPskFileAt, List<ConfigWarning> warnings) {
        if (certfile.isSet()) {
            if (crlfile.isSet() && !cafile.isSet() && !capath.isSet()) {
                throw new ConfigException(crlfile.at(), "crlfile cannot be honoured without cafile or capath: no "
                        + "client certificate is asked for or checked, so the CRL would revoke nothing");
            }
            if (pskHint.isSet()) {
                // mosquitto would offer PSK suites next to the certificate ones. Midge serves the
                // certificate side only: PSK clients are refused, nobody gets in who should not.
                warnings.add(new ConfigWarning(pskHint.at(), "psk_hint on a listener with certfile is ignored: "
                        + "Midge serves TLS-PSK only on a listener without certfile, so PSK clients are refused "
                        + "here; give TLS-PSK a listener of its own"));
            } else if (perListenerPskFileAt != null) {
                warnings.add(new ConfigWarning(perListenerPskFileAt, "psk_file is used only by a listener with "
                        + "psk_hint and no certfile; it is ignored here"));
            }
            return;
        }
        if (pskHint.isSet()) {
            refuseOnPskListener(pskFile);
            return;
        }
        if (perListenerPskFileAt != null) {
            throw new ConfigException(perListenerPskFileAt, "psk_file cannot be honoured: this listener has no "
                    + "psk_hint and no certfile, so it would serve plain MQTT; add psk_hint to make it a TLS-PSK "
                    + "listener");
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

    /**
     * A TLS-PSK listener (psk_hint, no certfile) serves PSK suites only: certificate options
     * would check nothing, and a cipher list Midge does not apply to PSK would leave more suites
     * on than asked for.
     */
    private void refuseOnPskListener(Path pskFile) {
        if (pskFile == null) {
            throw new ConfigException(pskHint.at(), "psk_hint needs a psk_file (global, or this listener's with "
                    + "per_listener_settings true): without one no client could connect");
        }
        for (String allowed : List.of("psk_hint", "use_identity_as_username", "tls_version", "tls_engine",
                "tls_keylog", "tls_keyform", "keyform")) {
            tlsAskedFor.remove(allowed);
        }
        if (!tlsAskedFor.isEmpty()) {
            Map.Entry<String, ConfigLocation> first = tlsAskedFor.entrySet().iterator().next();
            throw new ConfigException(first.getValue(), first.getKey() + " cannot be honoured on a TLS-PSK "
                    + "listener (psk_hint without certfile): it serves PSK cipher suites only, with no certificates "
                    + "and no cipher list of its own; remove " + String.join(", ", tlsAskedFor.keySet()));
        }
    }

    TlsOptions build(Path pskFile) {
        return new TlsOptions(cafile.get(), capath.get(), certfile.get(), keyfile.get(), tlsVersion.get(),
                ciphers.get(), ciphersTls13.get(), requireCertificate, useIdentityAsUsername,
                useSubjectAsUsername, crlfile.get(), pskHint.get(), pskFile, tlsEngine.get(), keyform.get(),
                tlsKeylog.get(), crlExpiredWarnOnly);
    }
}
