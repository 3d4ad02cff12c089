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
 * @param checkRetainSource mosquitto's {@code check_retain_source} (default true): a retained message goes
 *                         to a new subscriber only while its publisher may still publish to its topic
 */
public record AccessPolicy(List<AuthPlugin> plugins, String clientIdPrefixes, boolean checkRetainSource) {

    public static final AccessPolicy NONE = new AccessPolicy(List.of(), null);

    public AccessPolicy(List<AuthPlugin> plugins, String clientIdPrefixes) {
        this(plugins, clientIdPrefixes, true);
    }

    public AccessPolicy {
        plugins = List.copyOf(plugins);
        if (clientIdPrefixes != null && clientIdPrefixes.isEmpty()) {
            clientIdPrefixes = null;
        }
    }

    AccessPolicy withPlugin(AuthPlugin plugin) {
        List<AuthPlugin> more = new java.util.ArrayList<>(plugins);
        more.add(plugin);
        return new AccessPolicy(more, clientIdPrefixes, checkRetainSource);
    }

    AccessPolicy withClientIdPrefixes(String prefixes) {
        return new AccessPolicy(plugins, prefixes, checkRetainSource);
    }

    AccessPolicy withCheckRetainSource(boolean check) {
        return new AccessPolicy(plugins, clientIdPrefixes, check);
    }
}
