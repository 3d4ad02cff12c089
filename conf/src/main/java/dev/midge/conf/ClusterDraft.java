package dev.midge.conf;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The {@code midge_cluster_*} options. Global and each set once. Once any is set all are needed:
 * a node that cannot prove who it is, or check who its peers are, must not start half-joined.
 */
final class ClusterDraft {

    static final Set<String> NAMES = Set.of("midge_cluster_node", "midge_cluster_bind", "midge_cluster_members",
            "midge_cluster_cafile", "midge_cluster_certfile", "midge_cluster_keyfile", "midge_cluster_share_cafile",
            "midge_cluster_lease", "midge_cluster_max_queued_messages", "midge_cluster_max_queued_bytes");
    /** A day: longer is no lease at all, and a typo like 50000 should not pass for one. */
    private static final long MAX_LEASE_SECONDS = 86_400;

    /** A node name is a certificate CN and a JGroups member name: kept to plain characters. */
    private static final Pattern NODE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Setting<String> node = new Setting<>();
    private final Setting<ClusterOptions.HostPort> bind = new Setting<>();
    private final Setting<List<ClusterOptions.HostPort>> members = new Setting<>();
    private final Setting<Path> caFile = new Setting<>();
    private final Setting<Path> certFile = new Setting<>();
    private final Setting<Path> keyFile = new Setting<>();
    private final Setting<Boolean> shareCafile = new Setting<>();
    private final Setting<java.time.Duration> lease = new Setting<>();
    private final Setting<Long> queuedMessages = new Setting<>();
    private final Setting<Long> queuedBytes = new Setting<>();
    private ConfigLocation first;

    void apply(ConfLine line) {
        if (first == null) {
            first = line.at();
        }
        switch (line.option()) {
            case "midge_cluster_node" -> node.set(line, nodeName(line));
            case "midge_cluster_bind" -> bind.set(line, hostPort(line, Values.word(line)));
            case "midge_cluster_members" -> members.set(line, members(line));
            case "midge_cluster_cafile" -> caFile.set(line, Values.path(line));
            case "midge_cluster_certfile" -> certFile.set(line, Values.path(line));
            case "midge_cluster_keyfile" -> keyFile.set(line, Values.path(line));
            case "midge_cluster_share_cafile" -> shareCafile.set(line, Values.bool(line));
            case "midge_cluster_lease" -> lease.set(line,
                    java.time.Duration.ofSeconds(Values.longInteger(line, 0, MAX_LEASE_SECONDS)));
            // At least one message: a bound of nothing would pause every publisher feeding another node for good.
            case "midge_cluster_max_queued_messages" -> queuedMessages.set(line, Values.longInteger(line, 1, Integer.MAX_VALUE));
            case "midge_cluster_max_queued_bytes" -> queuedBytes.set(line, Values.longInteger(line, 1024, Long.MAX_VALUE / 4));
            default -> throw new IllegalArgumentException(line.option());
        }
    }

    private static String nodeName(ConfLine line) {
        String name = Values.word(line);
        if (!NODE_NAME.matcher(name).matches()) {
            throw line.error("'" + name + "' is not a valid midge_cluster_node; use letters, digits, '.', '_' and '-'"
                    + " (at most 64, starting with a letter or digit), as in the node certificate's CN");
        }
        return name;
    }

    private static List<ClusterOptions.HostPort> members(ConfLine line) {
        List<ClusterOptions.HostPort> result = new ArrayList<>();
        // Blanks after commas are fine ("a:7800, b:7800"); a '#' starts a comment.
        String list = Values.text(line);
        int comment = list.indexOf('#');
        for (String part : (comment >= 0 ? list.substring(0, comment) : list).strip().split(",", -1)) {
            result.add(hostPort(line, part.strip()));
        }
        return result;
    }

    static ClusterOptions.HostPort hostPort(ConfLine line, String text) {
        int colon = text.lastIndexOf(':');
        String host = colon > 0 ? text.substring(0, colon) : "";
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            host = ""; // an IPv6 literal needs brackets, else its last group would be taken for the port
        }
        int port = -1;
        try {
            port = colon > 0 ? Integer.parseInt(text.substring(colon + 1)) : -1;
        } catch (NumberFormatException e) {
            // reported below
        }
        if (host.isEmpty() || port < 1 || port > 65535) {
            throw line.error("'" + text + "' is not a valid HOST:PORT for " + line.option()
                    + "; use e.g. 10.0.0.5:7800 or [fd00::5]:7800");
        }
        return new ClusterOptions.HostPort(host, port);
    }

    /** Null when no cluster option was set. */
    ClusterOptions build() {
        if (first == null) {
            return null;
        }
        for (var required : List.of(java.util.Map.entry("midge_cluster_node", node.isSet()),
                java.util.Map.entry("midge_cluster_bind", bind.isSet()),
                java.util.Map.entry("midge_cluster_members", members.isSet()),
                java.util.Map.entry("midge_cluster_cafile", caFile.isSet()),
                java.util.Map.entry("midge_cluster_certfile", certFile.isSet()),
                java.util.Map.entry("midge_cluster_keyfile", keyFile.isSet()))) {
            if (!required.getValue()) {
                throw new ConfigException(first, "a cluster node needs " + required.getKey() + " too (the cluster"
                        + " options are midge_cluster_node, _bind, _members, _cafile, _certfile and _keyfile)");
            }
        }
        ClusterOptions.SendQueue queue = new ClusterOptions.SendQueue(
                queuedMessages.isSet() ? queuedMessages.get() : ClusterOptions.SendQueue.DEFAULT.messages(),
                queuedBytes.isSet() ? queuedBytes.get() : ClusterOptions.SendQueue.DEFAULT.bytes());
        return new ClusterOptions(node.get(), bind.get(), members.get(), caFile.get(), certFile.get(), keyFile.get(),
                first, shareCafile.isSet() && shareCafile.get(), lease.get(), queue);
    }
}
