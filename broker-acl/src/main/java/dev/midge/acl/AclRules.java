package dev.midge.acl;

import java.util.HashMap;
import java.util.Map;

/**
 * A parsed ACL, compiled for checking: one {@link AclTrie} per user, one for clients without
 * a username, and one for the pattern rules, which apply to everyone. Immutable once built.
 *
 * <p>Semantics (mosquitto's, see the module README for where we differ):
 * <ul>
 *   <li>a client's rules are those of its username's {@code user} block (or the rules before
 *       any {@code user} line if it has no username), plus every {@code pattern} rule;</li>
 *   <li>a client matching no rule is denied;</li>
 *   <li>{@code deny} wins over any grant that also matches;</li>
 *   <li>{@code pattern} rules give nothing to a client whose username or client id contains
 *       {@code +}, {@code #} or {@code /} (as mosquitto 2.0 does for {@code +} and {@code #}),
 *       so no one can widen a pattern by choosing their name.</li>
 * </ul>
 */
public final class AclRules {

    private final AclTrie anonymous;
    private final Map<String, AclTrie> byUser;
    private final AclTrie patterns;
    private final int ruleCount;

    private AclRules(Builder b) {
        this.anonymous = b.anonymous;
        this.byUser = Map.copyOf(b.byUser);
        this.patterns = b.patterns;
        this.ruleCount = b.ruleCount;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** May a client with this username (null for none) and client id publish to this topic? */
    public boolean canPublish(String username, String clientId, String topic) {
        if (!TopicLevels.isValidName(topic)) {
            return false;
        }
        return allows(bits(username, clientId, topic), AclTrie.WRITE);
    }

    /** May this client receive a message published to this topic? */
    public boolean canReceive(String username, String clientId, String topic) {
        if (!TopicLevels.isValidName(topic)) {
            return false;
        }
        return allows(bits(username, clientId, topic), AclTrie.READ);
    }

    /**
     * May this client subscribe to this filter? Only if one read rule contains the whole filter
     * and no deny rule does; a deny rule covering part of it is enforced message by message
     * by {@link #canReceive}.
     */
    public boolean canSubscribe(String username, String clientId, String filter) {
        if (!TopicLevels.isValidFilter(filter)) {
            return false;
        }
        return allows(bits(username, clientId, filter), AclTrie.READ);
    }

    /** How many topic and pattern lines went into these rules. */
    public int ruleCount() {
        return ruleCount;
    }

    /** How many users have a block of their own. */
    public int userCount() {
        return byUser.size();
    }

    /** The access of every rule of this client's that matches (contains) this topic or filter. */
    private int bits(String username, String clientId, String topic) {
        int bits = 0;
        AclTrie own = username == null ? anonymous : byUser.get(username);
        if (own != null) {
            bits |= own.match(topic, null, null);
        }
        if (patterns != null && substitutable(username) && substitutable(clientId)) {
            bits |= patterns.match(topic, emptyToNull(username), emptyToNull(clientId));
        }
        return bits;
    }

    private static boolean allows(int bits, int needed) {
        return (bits & AclTrie.DENY) == 0 && (bits & needed) != 0;
    }

    // mosquitto CVE-2017-7650: a client named "#" must not turn "pattern read %u/#" into "#/#".
    private static boolean substitutable(String name) {
        return name == null || (name.indexOf('+') < 0 && name.indexOf('#') < 0 && name.indexOf('/') < 0);
    }

    // An empty username or client id substitutes nothing (mosquitto: no match).
    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Collects rules in file order; {@link #build()} freezes them. */
    public static final class Builder {
        private final AclTrie anonymous = new AclTrie();
        private final Map<String, AclTrie> byUser = new HashMap<>();
        private AclTrie patterns;
        private int ruleCount;
        // Device fleets repeat the same level names (tenants, "attrs", "config") many times.
        private final Map<String, String> interned = new HashMap<>();

        private Builder() {
        }

        /**
         * A {@code topic} rule for this user, or for clients without a username if
         * {@code username} is null. The filter must be valid ({@link #filterProblem}).
         */
        public Builder topic(String username, Access access, String filter) {
            requireValid(filter);
            AclTrie trie = username == null ? anonymous
                    : byUser.computeIfAbsent(interned.computeIfAbsent(username, k -> k), k -> new AclTrie());
            trie.add(TopicLevels.split(filter), access.bits, false, interned);
            ruleCount++;
            return this;
        }

        /** A {@code pattern} rule: applies to every client, with %u and %c substituted. */
        public Builder pattern(Access access, String filter) {
            requireValid(filter);
            if (patterns == null) {
                patterns = new AclTrie();
            }
            patterns.add(TopicLevels.split(filter), access.bits, true, interned);
            ruleCount++;
            return this;
        }

        public AclRules build() {
            return new AclRules(this);
        }

        /** Why this filter cannot be an ACL rule, or null if it can. */
        public static String filterProblem(String filter, boolean pattern) {
            String problem = TopicLevels.filterProblem(filter);
            if (problem != null || !pattern) {
                return problem;
            }
            for (String level : TopicLevels.split(filter)) {
                if (!level.equals("%u") && !level.equals("%c") && (level.contains("%u") || level.contains("%c"))) {
                    return "%u and %c must be a whole topic level (as in sensor/%u/data), not part of '" + level + "'";
                }
            }
            return null;
        }

        private static void requireValid(String filter) {
            String problem = TopicLevels.filterProblem(filter);
            if (problem != null) {
                throw new IllegalArgumentException(problem);
            }
        }
    }
}
