package dev.midge.cli.soak;

import java.time.Duration;
import java.util.Locale;

/**
 * How big and how long the soak runs. The defaults are CI's (about a minute on two cores);
 * {@code -Dmidge.soak.duration=30m -Dmidge.soak.devices=2000 -Dmidge.soak.minConnects=50000}
 * soaks for real.
 *
 * @param devices      device certificates, each connecting and reconnecting for the whole run
 * @param duration     how long devices keep cycling (set-up and the final checks come on top)
 * @param minConnects  mutual-TLS connects the run must reach, or it did not test what it claims;
 *                     a slow machine keeps cycling for up to {@code duration} more to get there
 * @param grace        how long a rewritten ACL or CRL may take to be in force (a 250 ms poll, a
 *                     parse and a sweep; the margin is for a loaded CI machine)
 * @param revokeEvery  one device revoked (and renewed a few seconds later) this often
 * @param aclEvery     the ACL rewritten this often, with a new set of devices denied
 * @param deniedShare  share of the devices without write permission in each ACL
 * @param seed         seeds which devices are revoked and denied (pacing stays random)
 */
record SoakSettings(int devices, Duration duration, long minConnects, Duration grace, Duration revokeEvery,
                    Duration aclEvery, double deniedShare, long seed) {

    static SoakSettings fromSystemProperties() {
        return new SoakSettings(
                Integer.getInteger("midge.soak.devices", 300),
                duration("midge.soak.duration", "45s"),
                Long.getLong("midge.soak.minConnects", 2_000),
                duration("midge.soak.grace", "3s"),
                duration("midge.soak.revokeEvery", "1s"),
                duration("midge.soak.aclEvery", "2s"),
                Double.parseDouble(System.getProperty("midge.soak.deniedShare", "0.1")),
                Long.getLong("midge.soak.seed", System.nanoTime()));
    }

    /** "90s", "30m", "2h" or an ISO-8601 duration ("PT30M"). */
    static Duration duration(String property, String defaultValue) {
        String text = System.getProperty(property, defaultValue).trim().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("pt")) {
                return Duration.parse(text);
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                default -> throw new IllegalArgumentException();
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("-D" + property + "=" + text + ": use e.g. 90s, 30m, 2h or PT30M");
        }
    }

    @Override
    public String toString() {
        return "devices=" + devices + " duration=" + duration.toSeconds() + "s minConnects=" + minConnects
                + " grace=" + grace.toMillis() + "ms revokeEvery=" + revokeEvery.toMillis() + "ms aclEvery="
                + aclEvery.toMillis() + "ms deniedShare=" + deniedShare + " seed=" + seed;
    }
}
