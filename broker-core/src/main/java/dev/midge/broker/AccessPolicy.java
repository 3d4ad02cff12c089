package dev.midge.broker;

import dev.midge.broker.security.AuthPlugin;

import java.util.List;

/**
 * Who may connect and do what, beyond the authenticator and authoriser: mosquitto's options that
 * narrow access broker-wide. Grouped so new ones do not widen {@link BrokerOptions} each time.
 *
 * @param plugins          asked after the broker's own checks; all must allow ({@link AuthPlugin})
 * @param clientIdPrefixes mosquitto's {@code clientid_prefixes}: a client id must start with this
 *                         (else CONNACK 0x85 / 3.1.1 0x02); null or empty for any id
 */
public record AccessPolicy(List<AuthPlugin> plugins, String clientIdPrefixes) {

    public static final AccessPolicy NONE = new AccessPolicy(List.of(), null);

    public AccessPolicy {
        plugins = List.copyOf(plugins);
        if (clientIdPrefixes != null && clientIdPrefixes.isEmpty()) {
            clientIdPrefixes = null;
        }
    }

    AccessPolicy withPlugin(AuthPlugin plugin) {
        List<AuthPlugin> more = new java.util.ArrayList<>(plugins);
        more.add(plugin);
        return new AccessPolicy(more, clientIdPrefixes);
    }

    AccessPolicy withClientIdPrefixes(String prefixes) {
        return new AccessPolicy(plugins, prefixes);
    }
}
