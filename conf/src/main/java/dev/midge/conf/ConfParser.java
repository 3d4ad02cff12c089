package dev.midge.conf;

import dev.midge.conf.OptionTable.Scope;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads option lines in order and keeps mosquitto's scoping: which listener an option belongs
 * to, whether security options are global or per listener, bridge and plugin blocks, and
 * include_dir. Values are checked by the drafts the lines go to.
 */
final class ConfParser {

    private final Path source;
    private final List<ConfigWarning> warnings = new ArrayList<>();
    private final GlobalDraft global = new GlobalDraft();
    private final SysDraft sys = new SysDraft();
    private final AccessDraft access = new AccessDraft();
    private final ClusterDraft cluster = new ClusterDraft();
    private final SecurityDraft globalSecurity = new SecurityDraft();
    private final ListenerDraft defaultListener = ListenerDraft.defaultListener();
    private final List<ListenerDraft> listeners = new ArrayList<>();
    private boolean perListenerSettings;
    /** The first security option seen: per_listener_settings true must come before it. */
    private ConfigLocation firstSecurityOption;
    /** The first listener, port or bind_address line: without one, mosquitto 2.0 is local-only. */
    private ConfigLocation firstListenerLine;
    private ConfigLocation defaultListenerCreatedAt;
    private ConfigLocation lastPortLine;
    private final Setting<String> defaultBindAddress = new Setting<>();

    // Scope: like mosquitto, each file starts in the default listener, outside any bridge or
    // plugin block; after an include_dir the including file carries on where it was.
    private ListenerDraft current;
    private boolean inBridge;
    /** The bridge block being read (the last {@code connection} line), or null. */
    private BridgeDraft bridge;
    private final List<BridgeDraft> bridges = new ArrayList<>();
    private boolean inPlugin;

    /** The provider of certificate listeners without their own midge_tls_provider line. */
    private final TlsProviderDefault tlsProvider;

    ConfParser(Path source, TlsProviderDefault tlsProvider) {
        this.source = source;
        this.tlsProvider = tlsProvider;
    }

    ParsedConf parse(List<ConfLine> mainFile) {
        parseFile(mainFile, 0);
        return new ParsedConf(build(), warnings);
    }

    private void parseFile(List<ConfLine> lines, int level) {
        ListenerDraft savedListener = current;
        boolean savedBridge = inBridge;
        boolean savedPlugin = inPlugin;
        current = defaultListener;
        inBridge = false;
        inPlugin = false;
        for (ConfLine line : lines) {
            if (line.value().isEmpty()) {
                throw line.error("option '" + line.option() + "' needs a value");
            }
            if (line.option().equals("include_dir")) {
                includeDir(line, level);
            } else {
                apply(line);
            }
        }
        current = savedListener;
        inBridge = savedBridge;
        inPlugin = savedPlugin;
    }

    private void includeDir(ConfLine line, int level) {
        if (level > 0) {
            // mosquitto reads include_dir only from the main file and skips it silently elsewhere.
            warnings.add(line.warning("include_dir is only read from the main configuration file; ignored"));
            return;
        }
        for (Path file : ConfReader.includedFiles(line, Values.path(line))) {
            if (isMainFile(file)) {
                // mosquitto.conf(5): the directory must not contain the main configuration file.
                throw line.error("include_dir '" + line.value() + "' contains the main configuration file " + source);
            }
            parseFile(ConfReader.readFile(file), level + 1);
        }
    }

    private boolean isMainFile(Path file) {
        try {
            return source != null && Files.exists(source) && Files.isSameFile(source, file);
        } catch (IOException e) {
            return false;
        }
    }

    private void apply(ConfLine line) {
        String option = line.option();
        if (OptionTable.BRIDGE_OPTIONS.contains(option)) {
            if (!inBridge) {
                throw line.error("option '" + option + "' belongs to a bridge and needs a 'connection' line before it");
            }
            bridge.apply(line, warnings);
            return;
        }
        if (OptionTable.isPluginOption(option)) {
            if (!inPlugin) {
                throw line.error("option '" + option + "' needs a 'plugin' line before it");
            }
            access.pluginOption(line);
            return;
        }
        switch (option) {
            case "listener" -> listener(line);
            case "port" -> port(line);
            case "bind_address" -> bindAddress(line);
            case "per_listener_settings" -> perListenerSettings(line);
            case "plugin", "auth_plugin", "global_plugin" -> {
                if (!line.option().equals("global_plugin")) {
                    noteSecurityOption(line);
                }
                access.plugin(line, perListenerSettings && !line.option().equals("global_plugin"));
                inPlugin = true;
            }
            case "clientid_prefixes" -> access.clientIdPrefixes(line);
            case "check_retain_source" -> {
                noteSecurityOption(line);
                access.checkRetainSource(line);
            }
            case "connection" -> connection(line);
            default -> {
                if (GlobalDraft.NAMES.contains(option)) {
                    global.apply(line, warnings);
                } else if (SysDraft.NAMES.contains(option)) {
                    sys.apply(line);
                } else if (ClusterDraft.NAMES.contains(option)) {
                    cluster.apply(line);
                } else if (SecurityDraft.NAMES.contains(option)) {
                    security(line);
                } else if (TlsDraft.NAMES.contains(option) || ListenerDraft.NAMES.contains(option)) {
                    current.apply(line, warnings);
                } else if (OptionTable.UNSUPPORTED.containsKey(option)) {
                    unsupported(line);
                } else if (OptionTable.REFUSED.containsKey(option)) {
                    throw line.error(OptionTable.refusal(option, OptionTable.REFUSED.get(option)));
                } else if (OptionTable.REFUSED_WHEN_TRUE.containsKey(option)) {
                    refusedWhenTrue(line);
                } else {
                    throw line.error("unknown option '" + option + "'");
                }
            }
        }
    }

    /** A bridge block: the lines up to the next connection (or the file's end) are its options. */
    private void connection(ConfLine line) {
        BridgeDraft draft = new BridgeDraft(line);
        for (BridgeDraft other : bridges) {
            if (other.name().equals(draft.name())) {
                throw line.error("duplicate bridge name '" + draft.name() + "'");
            }
        }
        bridges.add(draft);
        bridge = draft;
        inBridge = true;
    }

    private List<BridgeConfig> buildBridges() {
        List<BridgeConfig> built = new ArrayList<>();
        for (BridgeDraft draft : bridges) {
            BridgeConfig config = draft.build();
            for (BridgeConfig other : built) {
                if (other.localClientId().equals(config.localClientId())) {
                    throw new ConfigException(config.declaredAt(), "bridge local_clientid '" + config.localClientId()
                            + "' is also that of bridge '" + other.name() + "'; give one of them another local_clientid");
                }
            }
            built.add(config);
        }
        return built;
    }

    private void security(ConfLine line) {
        noteSecurityOption(line);
        if (perListenerSettings) {
            current.apply(line, warnings);
        } else {
            globalSecurity.apply(line, warnings);
        }
    }

    private void noteSecurityOption(ConfLine line) {
        if (firstSecurityOption == null) {
            firstSecurityOption = line.at();
        }
    }

    private void unsupported(ConfLine line) {
        Scope scope = OptionTable.UNSUPPORTED.get(line.option());
        if (scope == Scope.SECURITY) {
            noteSecurityOption(line);
        }
        if (scope == Scope.LISTENER || (scope == Scope.SECURITY && perListenerSettings)) {
            current.touch(line);
        }
        warnings.add(line.warning(OptionTable.notSupported(line.option())));
    }

    private void refusedWhenTrue(ConfLine line) {
        if (Values.bool(line)) {
            throw line.error(OptionTable.refusal(line.option(), OptionTable.REFUSED_WHEN_TRUE.get(line.option())));
        }
        Scope scope = OptionTable.refusedScope(line.option());
        if (scope == Scope.SECURITY) {
            noteSecurityOption(line);
        }
        if (scope == Scope.LISTENER || (scope == Scope.SECURITY && perListenerSettings)) {
            current.touch(line);
        }
        warnings.add(line.warning(OptionTable.notSupported(line.option())));
    }

    private void perListenerSettings(ConfLine line) {
        boolean value = Values.bool(line);
        if (perListenerSettings && !value) {
            // mosquitto: once on, it stays on.
            warnings.add(line.warning("per_listener_settings is already true and cannot be turned off; ignored"));
            return;
        }
        if (value && !perListenerSettings && firstSecurityOption != null) {
            throw line.error("per_listener_settings must be set before any other security option (the first is at "
                    + firstSecurityOption + ")");
        }
        perListenerSettings = value;
    }

    private void listener(ConfLine line) {
        noteListenerLine(line);
        String[] words = Values.words(line);
        int port = Values.integer(new ConfLine(line.at(), "listener port", words[0]), 0, 65535);
        String address = words.length > 1 && !words[1].startsWith("#") ? words[1] : null;
        if (words.length > 2 && address != null && !words[2].startsWith("#")) {
            throw line.error("unexpected '" + words[2] + "' after the listener's bind address");
        }
        if (port == 0) {
            if (address == null) {
                throw line.error("listener 0 is a unix socket listener and needs a socket path");
            }
            current = ListenerDraft.unixSocket(line.at(), address);
            listeners.add(current);
            return;
        }
        current = ListenerDraft.tcp(line.at(), port, address);
        listeners.add(current);
    }

    /** Legacy: the default listener's port, wherever the line is (it does not change scope). */
    private void port(ConfLine line) {
        noteListenerLine(line);
        int port = Values.integer(line, 1, 65535);
        if (lastPortLine != null) {
            warnings.add(line.warning("port is set more than once (also at " + lastPortLine
                    + "); the last one, " + port + ", is used"));
        }
        lastPortLine = line.at();
        defaultListener.setPort(port);
        createDefaultListener(line);
    }

    private void bindAddress(ConfLine line) {
        noteListenerLine(line);
        defaultBindAddress.set(line, Values.word(line));
        defaultListener.setBindAddress(defaultBindAddress.get());
        createDefaultListener(line);
    }

    private void createDefaultListener(ConfLine line) {
        if (defaultListenerCreatedAt == null) {
            defaultListenerCreatedAt = line.at();
        }
    }

    private void noteListenerLine(ConfLine line) {
        if (firstListenerLine == null) {
            firstListenerLine = line.at();
        }
    }

    private BrokerConfig build() {
        List<ListenerConfig> built = new ArrayList<>();
        for (ListenerDraft draft : listeners) {
            built.add(build(draft, null));
        }
        ConfigLocation defaultAt = defaultListenerCreatedAt;
        if (defaultAt == null && defaultListener.firstOption() != null) {
            if (listeners.isEmpty() && firstListenerLine == null) {
                // Listener options but no port: mosquitto starts the default listener on 1883.
                defaultAt = defaultListener.firstOption();
            } else {
                warnings.add(new ConfigWarning(defaultListener.firstOption(), "options before the first "
                        + "'listener' configure the default listener, which is not started without 'port'; "
                        + "they are ignored"));
            }
        }
        if (defaultAt != null) {
            // mosquitto adds the default listener after the explicit ones.
            built.add(build(defaultListener, defaultAt));
        }
        if (!perListenerSettings && globalSecurity.pskFile() != null
                && built.stream().noneMatch(listener -> listener.tls().pskHint() != null)) {
            warnings.add(new ConfigWarning(globalSecurity.pskFileAt(), "psk_file is used only by a listener with "
                    + "psk_hint, and there is none; it is ignored"));
        }
        return global.build(source, built, firstListenerLine == null, perListenerSettings, globalSecurity.build(),
                access.build(), buildBridges()).withSys(sys.build()).withCluster(cluster.build());
    }

    private ListenerConfig build(ListenerDraft draft, ConfigLocation createdAt) {
        SecurityDraft security = perListenerSettings ? draft.security() : globalSecurity;
        return draft.build(security.build(), security.pskFile(), createdAt,
                perListenerSettings ? security.pskFileAt() : null, tlsProvider, warnings);
    }
}
