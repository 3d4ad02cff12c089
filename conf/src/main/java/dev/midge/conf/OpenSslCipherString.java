package dev.midge.conf;

import dev.midge.conf.OpenSslSuites.Entry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.midge.conf.OpenSslSuites.*;

/**
 * Evaluates an OpenSSL cipher string ({@code ciphers}, later {@code bridge_ciphers}) as OpenSSL 3's
 * {@code ssl_create_cipher_list} does, so that a mosquitto.conf means the same suites, in the same
 * order, as {@code openssl ciphers -s -v 'STRING'} lists (restricted to the suites the JDK has).
 * A term adds matching suites at the end, {@code +} moves them to the end, {@code -} removes them
 * (a later term may add them back), {@code !} removes them for good; {@code A+B} matches suites
 * that are both; {@code @STRENGTH} sorts by key length, {@code @SECLEVEL=n} sets OpenSSL's
 * security level, which drops weak suites and (in broker-tls) weak keys.
 */
public final class OpenSslCipherString {

    /** Debian's and Ubuntu's OpenSSL default (upstream's is 1): RSA keys of 2048 bits, no SHA-1. */
    public static final int DEFAULT_SECURITY_LEVEL = 2;
    private static final String DEFAULT_RULES = "ALL:!COMPLEMENTOFDEFAULT:!eNULL";

    private enum Op { ADD, MOVE_TO_END, DELETE, KILL, BUMP }

    /**
     * @param suites        the suites, best first, by their IANA (= JSSE) names
     * @param securityLevel the last {@code @SECLEVEL}, or {@link #DEFAULT_SECURITY_LEVEL}
     * @param ignored       words OpenSSL ignores because it knows no suite or keyword by that name
     */
    public record Selection(List<String> suites, int securityLevel, List<String> ignored) {
    }

    private final List<Suite> list = new ArrayList<>();
    private final List<String> ignored = new ArrayList<>();
    private int securityLevel = DEFAULT_SECURITY_LEVEL;

    /** A suite in the working list: OpenSSL's linked list entry with its "active" flag. */
    private static final class Suite {
        final Entry entry;
        boolean active;

        Suite(Entry entry) {
            this.entry = entry;
        }
    }

    /** A rule's pattern: OpenSSL's masks, a single suite, or a strength. */
    private record Pattern(String suiteName, int kx, int auth, int enc, int mac, int minTls, int strength, int bits) {
        static Pattern masks(int kx, int auth, int enc, int mac, int minTls) {
            return new Pattern(null, kx, auth, enc, mac, minTls, 0, -1);
        }

        boolean matches(Entry e) {
            if (bits >= 0) {
                return e.bits() == bits;
            }
            return (suiteName == null || suiteName.equals(e.name()))
                    && (kx == 0 || (kx & e.kx()) != 0)
                    && (auth == 0 || (auth & e.auth()) != 0)
                    && (enc == 0 || (enc & e.enc()) != 0)
                    && (mac == 0 || (mac & e.mac()) != 0)
                    && (minTls == 0 || minTls == e.minTls())
                    && ((strength & S_STRONG_MASK) == 0 || (strength & S_STRONG_MASK & e.strength()) != 0)
                    && ((strength & S_DEFAULT_MASK) == 0 || (strength & S_DEFAULT_MASK & e.strength()) != 0);
        }
    }

    private static final Map<String, Entry> BY_NAME = new HashMap<>();
    /** IANA names, which OpenSSL 3 does not read in a cipher string: only to suggest its own name. */
    private static final Map<String, Entry> BY_IANA_NAME = new HashMap<>();

    static {
        for (List<Entry> table : List.of(SUITES, PSK_SUITES)) {
            for (Entry suite : table) {
                BY_NAME.put(suite.name(), suite);
                BY_IANA_NAME.put(suite.iana(), suite);
            }
        }
        for (Entry alias : ALIASES) {
            BY_NAME.putIfAbsent(alias.name(), alias);
        }
    }

    private OpenSslCipherString(List<Entry> suites) {
        suites.forEach(s -> list.add(new Suite(s)));
        sortByOpenSslPreference();
    }

    /**
     * @throws IllegalArgumentException for what OpenSSL refuses as a whole ("invalid command"):
     *                                  a character outside names and operators, an empty term
     *                                  after {@code +}, an unknown {@code @} command
     */
    public static Selection select(String rules) {
        return select(rules, SUITES);
    }

    /**
     * The same over the TLS 1.2 PSK suites a TLS-PSK listener offers (mosquitto's {@code ciphers}
     * with {@code psk_hint}): OpenSSL evaluates one string over all its suites, and since rules keep
     * the relative order of the suites they move, evaluating over the PSK ones alone gives the PSK
     * part of {@code openssl ciphers -psk -s -v}.
     */
    public static Selection selectPsk(String rules) {
        return select(rules, PSK_SUITES);
    }

    private static Selection select(String rules, List<Entry> suites) {
        OpenSslCipherString evaluation = new OpenSslCipherString(suites);
        String rest = rules;
        if (rules.startsWith("DEFAULT")) {
            evaluation.process(DEFAULT_RULES);
            rest = rules.substring("DEFAULT".length());
            if (rest.startsWith(":")) {
                rest = rest.substring(1);
            }
        }
        evaluation.process(rest);
        return evaluation.result();
    }

    /** The same, by OpenSSL names: what {@code openssl ciphers} prints (for tests). */
    static List<String> opensslNames(String rules) {
        return names(select(rules));
    }

    /** The PSK ones by OpenSSL names (for tests). */
    static List<String> opensslPskNames(String rules) {
        return names(selectPsk(rules));
    }

    private static List<String> names(Selection selection) {
        return selection.suites().stream().map(iana -> BY_IANA_NAME.get(iana).name()).toList();
    }

    /** OpenSSL's name for an IANA name, e.g. ECDHE-RSA-AES128-GCM-SHA256, or null. */
    public static String opensslName(String ianaName) {
        Entry suite = BY_IANA_NAME.get(ianaName);
        return suite == null ? null : suite.name();
    }

    private Selection result() {
        List<String> suites = new ArrayList<>();
        for (Suite suite : list) {
            if (suite.active && allowedAtSecurityLevel(suite.entry)) {
                suites.add(suite.entry.iana());
            }
        }
        return new Selection(List.copyOf(suites), securityLevel, List.copyOf(new LinkedHashSet<>(ignored)));
    }

    /** OpenSSL's default security callback for a cipher suite (what {@code -s} filters by). */
    private boolean allowedAtSecurityLevel(Entry e) {
        if (securityLevel == 0) {
            return true;
        }
        int minBits = SecurityLevels.minimumBits(securityLevel);
        return e.bits() >= minBits
                && (e.auth() & A_NULL) == 0
                && (e.mac() & M_MD5) == 0
                && !(minBits > 160 && (e.mac() & M_SHA1) != 0)
                && !(securityLevel >= 3 && (e.kx() & (K_DHE | K_ECDHE | K_DHEPSK | K_ECDHEPSK)) == 0);
    }

    /** The order OpenSSL puts its suites in before reading the string (ssl_create_cipher_list). */
    private void sortByOpenSslPreference() {
        apply(Pattern.masks(K_ECDHE, A_ECDSA, 0, 0, 0), Op.ADD);
        apply(Pattern.masks(K_ECDHE, 0, 0, 0, 0), Op.ADD);
        apply(Pattern.masks(K_ECDHE, 0, 0, 0, 0), Op.DELETE);
        apply(Pattern.masks(0, 0, E_AES128GCM | E_AES256GCM, 0, 0), Op.ADD);
        apply(Pattern.masks(0, 0, E_CHACHA20POLY1305, 0, 0), Op.ADD);
        apply(Pattern.masks(0, 0, E_AES & ~(E_AES128GCM | E_AES256GCM), 0, 0), Op.ADD);
        apply(Pattern.masks(0, 0, 0, 0, 0), Op.ADD);
        apply(Pattern.masks(0, 0, 0, M_MD5, 0), Op.MOVE_TO_END);
        apply(Pattern.masks(0, A_NULL, 0, 0, 0), Op.MOVE_TO_END);
        apply(Pattern.masks(K_RSA, 0, 0, 0, 0), Op.MOVE_TO_END);
        apply(Pattern.masks(K_PSK, 0, 0, 0, 0), Op.MOVE_TO_END);
        apply(Pattern.masks(0, 0, E_RC4, 0, 0), Op.MOVE_TO_END);
        sortByStrength();
        apply(Pattern.masks(0, 0, 0, 0, TLS1_2), Op.BUMP);
        apply(Pattern.masks(0, 0, 0, M_AEAD, 0), Op.BUMP);
        apply(Pattern.masks(K_DHE | K_ECDHE, 0, 0, 0, 0), Op.BUMP);
        apply(Pattern.masks(K_DHE | K_ECDHE, 0, 0, M_AEAD, 0), Op.BUMP);
        apply(Pattern.masks(0, 0, 0, 0, 0), Op.DELETE);
    }

    private void sortByStrength() {
        list.stream().filter(s -> s.active).map(s -> s.entry.bits()).distinct()
                .sorted((a, b) -> b - a).toList()
                .forEach(bits -> apply(new Pattern(null, 0, 0, 0, 0, 0, 0, bits), Op.MOVE_TO_END));
    }

    /** ssl_cipher_apply_rule: each suite is visited once, in list order (backwards for DELETE and BUMP). */
    private void apply(Pattern pattern, Op op) {
        List<Suite> visit = new ArrayList<>(list);
        boolean backwards = op == Op.DELETE || op == Op.BUMP;
        for (int i = 0; i < visit.size(); i++) {
            Suite suite = visit.get(backwards ? visit.size() - 1 - i : i);
            if (!pattern.matches(suite.entry)) {
                continue;
            }
            switch (op) {
                case ADD -> {
                    if (!suite.active) {
                        moveToEnd(suite);
                        suite.active = true;
                    }
                }
                case MOVE_TO_END -> {
                    if (suite.active) {
                        moveToEnd(suite);
                    }
                }
                case DELETE -> {
                    // Deleted suites go to the front: a later ADD re-adds them best first.
                    if (suite.active) {
                        moveToFront(suite);
                        suite.active = false;
                    }
                }
                case BUMP -> {
                    if (suite.active) {
                        moveToFront(suite);
                    }
                }
                case KILL -> list.remove(suite);
            }
        }
    }

    private void moveToEnd(Suite suite) {
        list.remove(suite);
        list.add(suite);
    }

    private void moveToFront(Suite suite) {
        list.remove(suite);
        list.add(0, suite);
    }

    /** ssl_cipher_process_rulestr, term by term. */
    private void process(String rules) {
        int at = 0;
        while (at < rules.length()) {
            char c = rules.charAt(at);
            if (isSeparator(c)) {
                at++;
                continue;
            }
            Op op = Op.ADD;
            boolean special = false;
            switch (c) {
                case '-' -> op = Op.DELETE;
                case '+' -> op = Op.MOVE_TO_END;
                case '!' -> op = Op.KILL;
                case '@' -> special = true;
                default -> at--;
            }
            at++;
            at = special ? special(rules, at) : term(rules, at, op);
        }
    }

    /** One term, {@code A} or {@code A+B+...}; returns where the next one starts. */
    private int term(String rules, int at, Op op) {
        String suiteName = null;
        int kx = 0, auth = 0, enc = 0, mac = 0, minTls = 0, strength = 0;
        while (true) {
            int end = wordEnd(rules, at);
            if (end == at) {
                throw invalid(rules, at);
            }
            String word = rules.substring(at, end);
            at = end;
            boolean more = at < rules.length() && rules.charAt(at) == '+';
            if (more) {
                at++;
            }
            Entry e = BY_NAME.get(word);
            if (e == null) {
                ignored.add(word);
                return skipTerm(rules, at);
            }
            // Each part narrows the pattern; parts that cannot both hold match nothing.
            if (e.kx() != 0) {
                kx = kx == 0 ? e.kx() : kx & e.kx();
                if (kx == 0) {
                    return skipTerm(rules, at);
                }
            }
            if (e.auth() != 0) {
                auth = auth == 0 ? e.auth() : auth & e.auth();
                if (auth == 0) {
                    return skipTerm(rules, at);
                }
            }
            if (e.enc() != 0) {
                enc = enc == 0 ? e.enc() : enc & e.enc();
                if (enc == 0) {
                    return skipTerm(rules, at);
                }
            }
            if (e.mac() != 0) {
                mac = mac == 0 ? e.mac() : mac & e.mac();
                if (mac == 0) {
                    return skipTerm(rules, at);
                }
            }
            if ((e.strength() & S_STRONG_MASK) != 0) {
                if ((strength & S_STRONG_MASK) != 0) {
                    strength &= (e.strength() & S_STRONG_MASK) | ~S_STRONG_MASK;
                    if ((strength & S_STRONG_MASK) == 0) {
                        return skipTerm(rules, at);
                    }
                } else {
                    strength |= e.strength() & S_STRONG_MASK;
                }
            }
            if ((e.strength() & S_DEFAULT_MASK) != 0) {
                if ((strength & S_DEFAULT_MASK) != 0) {
                    strength &= (e.strength() & S_DEFAULT_MASK) | ~S_DEFAULT_MASK;
                    if ((strength & S_DEFAULT_MASK) == 0) {
                        return skipTerm(rules, at);
                    }
                } else {
                    strength |= e.strength() & S_DEFAULT_MASK;
                }
            }
            if (e.suite()) {
                // A named suite's own protocol version is not part of the pattern.
                suiteName = e.name();
            } else if (e.minTls() != 0) {
                if (minTls != 0 && minTls != e.minTls()) {
                    return skipTerm(rules, at);
                }
                minTls = e.minTls();
            }
            if (!more) {
                apply(new Pattern(suiteName, kx, auth, enc, mac, minTls, strength, -1), op);
                return skipTerm(rules, at);
            }
        }
    }

    /** {@code @STRENGTH} or {@code @SECLEVEL=n}; anything else makes OpenSSL refuse the string. */
    private int special(String rules, int at) {
        int end = wordEnd(rules, at);
        String word = rules.substring(at, end);
        if (word.equals("STRENGTH")) {
            sortByStrength();
        } else if (word.length() == 10 && word.startsWith("SECLEVEL=")
                && word.charAt(9) >= '0' && word.charAt(9) <= '5') {
            securityLevel = word.charAt(9) - '0';
        } else {
            throw new IllegalArgumentException("'@" + word + "' is not an OpenSSL cipher string command"
                    + " (@STRENGTH, or @SECLEVEL=0 to 5)");
        }
        return skipTerm(rules, end);
    }

    private static int wordEnd(String rules, int at) {
        while (at < rules.length() && isWordChar(rules.charAt(at))) {
            at++;
        }
        return at;
    }

    private static int skipTerm(String rules, int at) {
        while (at < rules.length() && !isSeparator(rules.charAt(at))) {
            at++;
        }
        return at;
    }

    private static IllegalArgumentException invalid(String rules, int at) {
        String what = at < rules.length() ? "'" + rules.charAt(at) + "'" : "the end";
        return new IllegalArgumentException("OpenSSL cannot read " + what + " at position " + (at + 1)
                + " of '" + rules + "': a term is a name, A+B, or one of -name +name !name @STRENGTH @SECLEVEL=n,"
                + " separated by ':'");
    }

    private static boolean isSeparator(char c) {
        return c == ':' || c == ' ' || c == ';' || c == ',';
    }

    private static boolean isWordChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                || c == '-' || c == '_' || c == '.' || c == '=';
    }
}
