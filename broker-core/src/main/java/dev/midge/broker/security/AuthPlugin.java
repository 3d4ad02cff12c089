package dev.midge.broker.security;

import java.util.Map;

/**
 * A Java authentication and authorisation plugin: Midge's counterpart of mosquitto's
 * {@code plugin}/{@code auth_plugin}, which load C libraries a JVM cannot. It is asked in addition
 * to the broker's own checks (password file or certificate, ACL): a client gets in, publishes,
 * subscribes or receives a message only if both allow it. Every method has a default that allows,
 * so a plugin overrides only what it decides.
 *
 * <p>From a mosquitto.conf, {@code plugin /path/plugin.jar} loads the one implementation the jar
 * names in {@code META-INF/services/dev.midge.broker.security.AuthPlugin} (a public class with a
 * public no-argument constructor), calls {@link #init} with the {@code plugin_opt_*} options, and
 * {@link #close} when the broker stops. Embedders hand an instance to
 * {@code BrokerOptions.builder().plugin(...)} and close it themselves.
 */
public interface AuthPlugin extends AutoCloseable {

    /**
     * Called once before the broker starts listening.
     *
     * @param options the {@code plugin_opt_NAME value} lines of this plugin, keyed by NAME (as
     *                mosquitto hands them to its plugins)
     * @throws Exception the plugin cannot work: the broker does not start, naming the cause
     */
    default void init(Map<String, String> options) throws Exception {
    }

    /**
     * May this client connect? Asked after the broker accepted it (password, anonymous rules or
     * the certificate), off the event loop, so it may block briefly (a database, an HTTP call).
     *
     * @param request  what the client sent (client id, username, password, certificate chain)
     * @param username the username the broker authenticated it as (the certificate's with
     *                 {@code use_identity_as_username}); null for an anonymous client
     * @return {@link AuthenticationResult#accept} to let it in (the username it carries is
     *         ignored: the client keeps {@code username}), {@link AuthenticationResult#refuse}
     *         with the reason for the log line
     */
    default AuthenticationResult checkConnect(ConnectRequest request, String username) {
        return AuthenticationResult.accept(username);
    }

    /** May this client publish to this topic (also its will, when sent)? On the event loop: never block. */
    default boolean canPublish(ClientIdentity client, String topic) {
        return true;
    }

    /** May this client subscribe to this filter? On the event loop: never block. */
    default boolean canSubscribe(ClientIdentity client, String topicFilter) {
        return true;
    }

    /** May this client receive a message on this topic (live, queued or retained)? On the event loop: never block. */
    default boolean canReceive(ClientIdentity client, String topic) {
        return true;
    }

    /** How log lines name this plugin. */
    default String name() {
        return getClass().getName();
    }

    @Override
    default void close() throws Exception {
    }
}
