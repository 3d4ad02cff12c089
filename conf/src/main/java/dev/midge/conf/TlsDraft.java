package dev.midge.conf;

import java.nio.file.Path;
import java.util.List;
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

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        switch (line.option()) {
            case "cafile" -> cafile.set(line, Values.path(line));
            case "capath" -> capath.set(line, Values.path(line));
            case "certfile" -> certfile.set(line, Values.path(line));
            case "keyfile" -> keyfile.set(line, Values.path(line));
            case "crlfile" -> crlfile.set(line, Values.path(line));
            case "tls_keylog" -> tlsKeylog.set(line, Values.path(line));
            case "tls_version" -> tlsVersion.set(line, tlsVersion(line));
            case "ciphers" -> ciphers.set(line, Values.text(line));
            case "ciphers_tls1.3" -> ciphersTls13.set(line, Values.text(line));
            case "require_certificate" -> requireCertificate = Values.bool(line);
            case "use_identity_as_username" -> useIdentityAsUsername = Values.bool(line);
            case "use_subject_as_username" -> useSubjectAsUsername = Values.bool(line);
            case "midge_crl_expired_warn_only" -> crlExpiredWarnOnly = Values.bool(line);
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
                keyform.set(line, form);
                if (form.equals("engine")) {
                    warnings.add(line.warning(OptionTable.notSupported(line.option() + " engine")));
                }
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

    TlsOptions build(Path pskFile) {
        return new TlsOptions(cafile.get(), capath.get(), certfile.get(), keyfile.get(), tlsVersion.get(),
                ciphers.get(), ciphersTls13.get(), requireCertificate, useIdentityAsUsername,
                useSubjectAsUsername, crlfile.get(), pskHint.get(), pskFile, tlsEngine.get(), keyform.get(),
                tlsKeylog.get(), crlExpiredWarnOnly);
    }
}
