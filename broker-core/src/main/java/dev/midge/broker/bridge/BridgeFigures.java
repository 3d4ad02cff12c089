package dev.midge.broker.bridge;

import dev.midge.broker.metrics.Figure;
import dev.midge.broker.metrics.FigureSource;

import java.util.List;
import java.util.function.Consumer;

/**
 * Each bridge's state under {@code $SYS/broker/midge/bridges/NAME/{connected,queued,remote}} and as
 * {@code midge_bridge_connected{bridge="NAME"}} and {@code midge_bridge_queued_messages{bridge="NAME"}}.
 * mosquitto's own {@code $SYS/broker/connection/NAME/state} is the bridge's notification, not this.
 * Reads only the bridges' volatile state and their sessions' counts: safe off the event loop.
 */
public final class BridgeFigures implements FigureSource {

    private static final String TOPIC = Figure.MIDGE_TOPIC + "bridges/";

    private final List<Bridge> bridges;

    /** @param bridges the broker's live list of bridges (bridges started later are reported too) */
    public BridgeFigures(List<Bridge> bridges) {
        this.bridges = bridges;
    }

    @Override
    public void collect(Consumer<Figure> out) {
        for (Bridge bridge : bridges) {
            BridgeStatus s = bridge.status();
            String level = TOPIC + Figure.topicLevel(s.name()) + "/";
            out.accept(new Figure(level + "connected", "midge_bridge_connected",
                    "1 while the bridge's remote broker accepted it and the connection is up",
                    Figure.Kind.GAUGE, "bridge", s.name(), s.connected() ? 1 : 0));
            out.accept(new Figure(level + "queued", "midge_bridge_queued_messages",
                    "QoS 1/2 messages waiting to go to the bridge's remote broker, in flight ones included",
                    Figure.Kind.GAUGE, "bridge", s.name(), s.queued()));
            if (s.remoteAddress() != null) {
                out.accept(Figure.text(level + "remote", s.remoteAddress()));
            }
        }
    }
}
