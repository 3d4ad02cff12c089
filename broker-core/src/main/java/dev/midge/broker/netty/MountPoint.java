package dev.midge.broker.netty;

/**
 * mosquitto's {@code mount_point}: a listener's clients see the topic tree below a prefix. What
 * they send is prefixed here (topics, filters — inside {@code $share/GROUP/} — and the will), what
 * they receive has it removed ({@link MountPointStrip}); everything between, the authoriser included,
 * works on the prefixed topic.
 */
final class MountPoint {

    private static final String SHARE = "$share/";

    private MountPoint() {
    }

    static String topic(String mountPoint, String topic) {
        return mountPoint == null || topic == null ? topic : mountPoint + topic;
    }

    static String filter(String mountPoint, String filter) {
        if (mountPoint == null || filter == null) {
            return filter;
        }
        if (filter.startsWith(SHARE)) {
            int slash = filter.indexOf('/', SHARE.length());
            if (slash > 0) {
                return filter.substring(0, slash + 1) + mountPoint + filter.substring(slash + 1);
            }
        }
        return mountPoint + filter;
    }
}
