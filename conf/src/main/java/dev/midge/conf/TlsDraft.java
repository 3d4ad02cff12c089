package dev.midge.conf;

import dev.midge.conf.pkcs11.Pkcs11Uri;

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
            "tls_keylog", "midge_crl_expired_warn_only", "tls_engine_kpass_sha1", "midge_ocsp_check", "midge_tls_provider");

    private final Setting<Path> cafile = new Setting<>();
    private final Setting<Path> capath = new Setting<>();
    private final Setting<Path> certfile = new Setting<>();
    private final Setting<String> keyfile = new Setting<>();
    private final Setting<String> tlsVersion = new Setting<>();
    private final Setting<String> ciphers = new Setting<>();
    private final Setting<String> ciphersTls13 = new Setting<>();
    /** A cipher list that cannot serve, reported once the listener is known not to be TLS-PSK (which refuses any list). */
    private ConfigException cipherListError;
    private final Setting<Path> crlfile = new Setting<>();
    private final Setting<String> pskHint = new Setting<>();
    private final Setting<String> tlsEngine = new Setting<>();
    private final Setting<String> keyform = new Setting<>();
    private final Setting<Path> tlsKeylog = new Setting<>();
    private final Setting<String> kpassSha1 = new Setting<>();
    /** Warnings that stand only while the key is not in a token: withdrawn by keyform engine. */
    private final List<ConfigWarning> engineWarnings = new java.util.ArrayList<>();
    private boolean requireCertificate;
    private boolean useIdentityAsUsername;
    private boolean useSubjectAsUsername;
    private boolean crlExpiredWarnOnly;
    private final Setting<TlsOptions.OcspCheck> ocspCheck = new Setting<>();
    private final Setting<TlsOptions.Provider> provider = new Setting<>();
    /** The first line of each option that asks for TLS, to name it if there is no certfile. */
    private final Map<String, ConfigLocation> tlsAskedFor = new LinkedHashMap<>();

    void apply(ConfLine line, List<ConfigWarning> warnings) {
        tlsAskedFor.putIfAbsent(line.option(), line.at());
        switch (line.option()) {
            case "cafile" -> cafile.set(line, Values.path(line));
            case "capath" -> capath.set(line, Values.path(line));
            case "certfile" -> certfile.set(line, Values.path(line));
            case "keyfile" -> keyfile.set(line, Values.path(line).toString());
            case "crlfile" -> crlfile.set(line, Values.path(line));
            case "tls_keylog" -> tlsKeylog.set(line, Values.path(line));
            case "tls_version" -> tlsVersion.set(line, tlsVersion(line));
            case "ciphers" -> ciphers.set(line, cipherList(line, () -> OpenSslCipherList.ciphers(line, warnings)));
            case "ciphers_tls1.3" -> ciphersTls13.set(line,
                    cipherList(line, () -> OpenSslCipherList.ciphersTls13(line, warnings)));
            case "require_certificate" -> requireCertificate = asksForTls(line, Values.bool(line));
            case "use_identity_as_username" -> useIdentityAsUsername = asksForTls(line, Values.bool(line));
            case "use_subject_as_username" -> useSubjectAsUsername = asksForTls(line, Values.bool(line));
            case "midge_crl_expired_warn_only" -> crlExpiredWarnOnly = asksForTls(line, Values.bool(line));
            case "midge_ocsp_check" -> {
                ocspCheck.set(line, ocspCheck(line));
                if (ocspCheck.get() == TlsOptions.OcspCheck.OFF) {
                    tlsAskedFor.remove(line.option());
                }
            }
            case "midge_tls_provider" -> {
                provider.set(line, provider(line));
                if (provider.get() == TlsOptions.Provider.JDK) {
                    tlsAskedFor.remove(line.option());
                }
            }
            case "psk_hint" -> pskHint.set(line, Values.text(line));
            case "tls_engine" -> {
                tlsEngine.set(line, Values.text(line));
                warnUnlessEngineKey(line, warnings);
            }
            case "tls_engine_kpass_sha1" -> {
                String hash = Values.word(line);
                if (!hash.matches("[0-9A-Fa-f]{40}")) {
                    throw line.error("'" + hash + "' is not a SHA-1 in hex (40 hex digits)");
                }
                kpassSha1.set(line, hash);
                warnUnlessEngineKey(line, warnings);
            }
            case "tls_keyform", "keyform" -> {
                String form = Values.word(line);
                if (!form.equals("pem") && !form.equals("engine")) {
                    throw line.error("'" + form + "' is not a valid value for " + line.option() + "; use pem or engine");
                }
                keyform.set(line, form);
                if (form.equals("engine")) {
                    warnings.removeAll(engineWarnings);   // the token is then used, not ignored
                }
            }
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    /** tls_engine with PEM keys is only an accelerator, and the PIN hash only means something for a token key. */
    private void warnUnlessEngineKey(ConfLine line, List<ConfigWarning> warnings) {
        if (!"engine".equals(keyform.get())) {
            ConfigWarning warning = line.warning(OptionTable.notSupported(line.option()));
            engineWarnings.add(warning);
            warnings.add(warning);
        }
    }

    private static TlsOptions.OcspCheck ocspCheck(ConfLine line) {
        String word = Values.word(line);
        for (TlsOptions.OcspCheck check : TlsOptions.OcspCheck.values()) {
            if (check.keyword().equals(word)) {
                return check;
            }
        }
        throw line.error("'" + word + "' is not a valid value for midge_ocsp_check; use off, fail-open or fail-closed");
    }

    private static TlsOptions.Provider provider(ConfLine line) {
        String word = Values.word(line);
        for (TlsOptions.Provider p : TlsOptions.Provider.values()) {
            if (p.keyword().equals(word)) {
                return p;
            }
        }
        throw line.error("'" + word + "' is not a valid value for midge_tls_provider; use jdk or openssl");
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
     * @param tlsProvider          the provider when this block has no midge_tls_provider line
     * @param warnings             where a PSK setting Midge does not serve on this listener is named
     */
    void refuseWhatCannotBeHonoured(Path pskFile, ConfigLocation perListenerPskFileAt, TlsProviderDefault tlsProvider,
                                    List<ConfigWarning> warnings) {
        if (cipherListError != null && (certfile.isSet() || !pskHint.isSet())) {
            throw cipherListError;
        }
        if (certfile.isSet()) {
            if (crlfile.isSet() && !cafile.isSet() && !capath.isSet()) {
                throw new ConfigException(crlfile.at(), "crlfile cannot be honoured without cafile or capath: no "
                        + "client certificate is asked for or checked, so the CRL would revoke nothing");
            }
            if (pskHint.isSet() && pskFile == null) {
                // As in mosquitto, PSK suites are offered next to the certificate ones.
                throw pskFileMissing();
            } else if (!pskHint.isSet() && perListenerPskFileAt != null) {
                warnings.add(new ConfigWarning(perListenerPskFileAt, "psk_file is used only by a listener with "
                        + "psk_hint; it is ignored here"));
            }
            if ("engine".equals(keyform.get())) {
                tokenKey();
                if (provider.get() == TlsOptions.Provider.OPENSSL) {
                    throw new ConfigException(provider.at(), "midge_tls_provider openssl cannot be honoured with "
                            + "keyform engine: OpenSSL in Midge cannot sign with a key that stays in a PKCS#11 token; "
                            + "use midge_tls_provider jdk (the default) for this listener");
                }
                if (!provider.isSet() && tlsProvider.provider() == TlsOptions.Provider.OPENSSL) {
                    // The switch is for every listener; this one cannot follow it, and quietly keeping it on
                    // the JDK would leave the operator believing every handshake runs on BoringSSL.
                    throw new ConfigException(keyform.at(), tlsProvider.origin() + " cannot be honoured for this "
                            + "listener with keyform engine: OpenSSL in Midge cannot sign with a key that stays in a "
                            + "PKCS#11 token; add midge_tls_provider jdk to this listener's block");
                }
            }
            if (ocspCheck.isSet() && ocspCheck.get() != TlsOptions.OcspCheck.OFF && !cafile.isSet() && !capath.isSet()) {
                throw new ConfigException(ocspCheck.at(), "midge_ocsp_check cannot be honoured without cafile or "
                        + "capath: no client certificate is asked for, so there is nothing to check");
            }
            return;
        }
        if (pskHint.isSet()) {
            if (provider.get() == TlsOptions.Provider.OPENSSL) {
                throw new ConfigException(provider.at(), "midge_tls_provider openssl cannot be honoured on a TLS-PSK "
                        + "listener (psk_hint without certfile): TLS-PSK is served by BouncyCastle; remove it here");
            }
            refuseOnPskListener(pskFile, warnings);
            return;
        }
        if (perListenerPskFileAt != null) {
            throw new ConfigException(perListenerPskFileAt, "psk_file cannot be honoured: this listener has no "
                    + "psk_hint and no certfile, so it would serve plain MQTT; add psk_hint to make it a TLS-PSK "
                    + "listener");
        }
        tlsAskedFor.remove("tls_engine");   // an accelerator only, warned where it is given
        tlsAskedFor.remove("tls_engine_kpass_sha1");
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
     * would check nothing. {@code ciphers} restricts its TLS 1.2 PSK suites as OpenSSL would;
     * {@code ciphers_tls1.3} is refused, since its TLS 1.3 suites are fixed by the PSK's hash.
     */
    private void refuseOnPskListener(Path pskFile, List<ConfigWarning> warnings) {
        if (pskFile == null) {
            throw pskFileMissing();
        }
        if (ciphers.isSet()) {
            OpenSslCipherList.pskCiphers(ciphers.at(), ciphers.get(), warnings);
        }
        for (String allowed : List.of("psk_hint", "use_identity_as_username", "tls_version", "tls_engine",
                "tls_keylog", "tls_keyform", "keyform", "ciphers")) {
            tlsAskedFor.remove(allowed);
        }
        if (!tlsAskedFor.isEmpty()) {
            Map.Entry<String, ConfigLocation> first = tlsAskedFor.entrySet().iterator().next();
            throw new ConfigException(first.getValue(), first.getKey() + " cannot be honoured on a TLS-PSK "
                    + "listener (psk_hint without certfile): it serves PSK cipher suites only, with no certificates "
                    + "(ciphers may restrict its TLS 1.2 PSK suites); remove " + String.join(", ", tlsAskedFor.keySet()));
        }
    }

    private ConfigException pskFileMissing() {
        return new ConfigException(pskHint.at(), "psk_hint needs a psk_file (global, or this listener's with "
                + "per_listener_settings true): without one no client could connect");
    }

    /**
     * mosquitto's {@code tls_engine pkcs11} + {@code tls_keyform engine} + {@code keyfile pkcs11:...}
     * (libp11's engine) maps onto the JDK's PKCS#11 provider; any other engine has no Java counterpart,
     * and serving a PEM key instead would defeat keeping the key in hardware, so it refuses.
     */
    private Pkcs11Uri tokenKey() {
        if (!tlsEngine.isSet()) {
            throw new ConfigException(keyform.at(), "keyform engine needs tls_engine pkcs11 (Midge reaches keys in "
                    + "hardware through PKCS#11)");
        }
        if (!tlsEngine.get().equals("pkcs11")) {
            throw new ConfigException(tlsEngine.at(), "tls_engine " + tlsEngine.get() + " cannot be honoured with "
                    + "keyform engine: Java cannot load OpenSSL engines; Midge reaches keys in hardware only through "
                    + "PKCS#11 (tls_engine pkcs11 with keyfile pkcs11:token=...;object=...?module-path=...)");
        }
        if (!keyfile.isSet()) {
            throw new ConfigException(keyform.at(), "keyform engine needs keyfile pkcs11:token=...;object=..."
                    + "?module-path=... naming the key in the token");
        }
        Pkcs11Uri uri;
        try {
            uri = Pkcs11Uri.parse(keyfile.get());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(keyfile.at(), "keyfile with keyform engine: " + e.getMessage());
        }
        if (kpassSha1.isSet() && uri.pinValue() == null && uri.pinSource() == null) {
            throw new ConfigException(kpassSha1.at(), "tls_engine_kpass_sha1 cannot be honoured on its own: it is a "
                    + "SHA-1 of the token's PIN, and PKCS#11 cannot log in with a hash; give the PIN as "
                    + "pin-source=file:PATH in the keyfile URI (Midge then checks it against this hash)");
        }
        return uri;
    }

    /**
     * @param tlsProvider the provider of a certificate listener without a midge_tls_provider line
     *                    (a TLS-PSK-only listener stays on BouncyCastle whatever it says)
     */
    TlsOptions build(Path pskFile, TlsProviderDefault tlsProvider) {
        TlsOptions.Provider effective = provider.isSet() ? provider.get()
                : certfile.isSet() ? tlsProvider.provider() : TlsOptions.Provider.JDK;
        boolean inToken = certfile.isSet() && "engine".equals(keyform.get());
        return new TlsOptions(cafile.get(), capath.get(), certfile.get(),
                inToken || !keyfile.isSet() ? null : Path.of(keyfile.get()), tlsVersion.get(),
                ciphers.get(), ciphersTls13.get(), requireCertificate, useIdentityAsUsername,
                useSubjectAsUsername, crlfile.get(), pskHint.get(), pskFile, tlsEngine.get(), keyform.get(),
                tlsKeylog.get(), crlExpiredWarnOnly, inToken ? tokenKey() : null,
                inToken ? kpassSha1.get() : null, ocspCheck.get(), effective);
    }

    /**
     * Evaluates a cipher list now, but keeps its error until the listener is complete: on a TLS-PSK
     * listener (psk_hint may come later) the better message is that no list applies there at all.
     */
    private String cipherList(ConfLine line, java.util.function.Supplier<String> evaluate) {
        try {
            return evaluate.get();
        } catch (ConfigException e) {
            if (cipherListError == null) {
                cipherListError = e;
            }
            return Values.text(line);
        }
    }
}
