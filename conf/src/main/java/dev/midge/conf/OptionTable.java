package dev.midge.conf;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The mosquitto option names Midge knows but does not implement. Each is accepted with one
 * warning, so a mosquitto.conf keeps working; a name in neither this table nor the parser is
 * an error, as in mosquitto. Names come from mosquitto 2.0's conf.c and mosquitto.conf(5);
 * those marked 2.1 are accepted by newer mosquitto releases.
 */
final class OptionTable {

    private OptionTable() {
    }

    /** Where an option applies, which decides what a line does to the parser's scope. */
    enum Scope {
        /** Broker-wide. */
        GLOBAL,
        /** The current listener; before any {@code listener}, the default listener. */
        LISTENER,
        /** Global, or the current listener with {@code per_listener_settings true}. */
        SECURITY
    }

    /** Known options Midge ignores, with one warning each. */
    static final Map<String, Scope> UNSUPPORTED = table(
            // general
            "allow_duplicate_messages", Scope.GLOBAL,
            "autosave_on_changes", Scope.GLOBAL,
            "persistence_file", Scope.GLOBAL,
            // mosquitto 2.1
            "enable_control_api", Scope.GLOBAL,
            "global_max_clients", Scope.GLOBAL,
            "global_max_connections", Scope.GLOBAL,
            "quic_log_level", Scope.GLOBAL,
            "accept_protocol_versions", Scope.LISTENER,
            "disable_client_cert_date_checks", Scope.LISTENER,
            "max_topic_alias_broker", Scope.LISTENER);

    /**
     * Known options Midge does not implement and whose loss would weaken security: a
     * configuration naming one is refused at its line with the reason, rather than started
     * without the protection the operator asked for.
     */
    static final Map<String, String> REFUSED = Map.of(
            "dhparamfile", "the JDK cannot use custom DH parameters (it uses its own RFC 7919 groups), so the group "
                    + "you chose would not be used; remove dhparamfile, or restrict ciphers to ECDHE suites",
            "websockets_origin", "Midge cannot check the Origin of WebSocket connections, so web pages from "
                    + "any origin could connect");

    /** Boolean options refused (as {@link #REFUSED}) when true, warned and ignored when false. */
    static final Map<String, String> REFUSED_WHEN_TRUE = Map.of();

    static Scope refusedScope(String option) {
        return Scope.LISTENER;
    }

    static String refusal(String option, String reason) {
        return option + " cannot be honoured: " + reason;
    }

    /** Names only newer mosquitto releases (2.1) accept; mosquitto 2.0 calls them unknown. */
    static final Set<String> NEWER_THAN_2_0 = Set.of("enable_control_api", "global_max_clients",
            "global_max_connections", "global_plugin", "quic_log_level", "accept_protocol_versions",
            "disable_client_cert_date_checks", "max_topic_alias_broker", "websockets_origin", "bridge_ciphers",
            "bridge_ciphers_tls1.3", "bridge_max_topic_alias", "bridge_receive_maximum", "bridge_reload_type",
            "bridge_session_expiry_interval", "bridge_tcp_keepalive", "bridge_tcp_user_timeout");

    /** Options of a plugin block; an error without a plugin line before them (as in mosquitto). */
    static final Set<String> PLUGIN_OPTION_PREFIXES = Set.of("auth_opt_", "plugin_opt_");
    static final Set<String> PLUGIN_OPTIONS = Set.of("auth_plugin_deny_special_chars");

    /**
     * Options of a bridge block ({@code connection NAME}): Midge has no bridges, so the
     * connection line gets one warning and these are skipped quietly. Outside a block they are
     * an error, as in mosquitto.
     */
    static final Set<String> BRIDGE_OPTIONS = Set.of(
            "address", "addresses",
            "bridge_alpn", "bridge_attempt_unsubscribe", "bridge_bind_address", "bridge_cafile",
            "bridge_capath", "bridge_certfile", "bridge_identity", "bridge_insecure", "bridge_keyfile",
            "bridge_max_packet_size", "bridge_outgoing_retain", "bridge_protocol_version", "bridge_psk",
            "bridge_require_ocsp", "bridge_tls_version",
            "cleansession", "local_cleansession",
            "clientid", "remote_clientid", "local_clientid",
            "username", "remote_username", "local_username",
            "password", "remote_password", "local_password",
            "idle_timeout", "keepalive_interval", "restart_timeout", "start_type", "threshold",
            "notifications", "notifications_local_only", "notification_topic",
            "round_robin", "topic", "try_private",
            // mosquitto 2.1
            "bridge_ciphers", "bridge_ciphers_tls1.3", "bridge_max_topic_alias", "bridge_receive_maximum",
            "bridge_reload_type", "bridge_session_expiry_interval", "bridge_tcp_keepalive",
            "bridge_tcp_user_timeout");

    static boolean isPluginOption(String name) {
        return PLUGIN_OPTIONS.contains(name)
                || PLUGIN_OPTION_PREFIXES.stream().anyMatch(name::startsWith);
    }

    static String notSupported(String option) {
        return "option '" + option + "' is not supported by Midge and is ignored";
    }

    private static Map<String, Scope> table(Object... pairs) {
        Map<String, Scope> map = new TreeMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            if (map.put((String) pairs[i], (Scope) pairs[i + 1]) != null) {
                throw new IllegalStateException("duplicate entry " + pairs[i]);
            }
        }
        return Collections.unmodifiableMap(map);
    }
}
