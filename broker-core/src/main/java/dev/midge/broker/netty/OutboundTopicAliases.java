package dev.midge.broker.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;

import java.util.HashMap;
import java.util.Map;

/**
 * v5 topic aliases from broker to client, only for a client that announced a Topic Alias
 * Maximum above 0. The first PUBLISH on a topic carries the topic and a new alias, later ones
 * the alias alone. Runs in the pipeline, so aliases are assigned in the order packets are
 * written, whichever thread queued them. Once all aliases are taken, new topics go in full.
 */
final class OutboundTopicAliases extends ChannelOutboundHandlerAdapter {

    private final int maximum;
    private final Map<String, Integer> aliases = new HashMap<>();

    OutboundTopicAliases(int maximum) {
        this.maximum = maximum;
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof MqttPublishMessage publish) {
            msg = withAlias(publish);
        }
        ctx.write(msg, promise);
    }

    private MqttPublishMessage withAlias(MqttPublishMessage publish) {
        MqttPublishVariableHeader header = publish.variableHeader();
        String topic = header.topicName();
        Integer alias = aliases.get(topic);
        String topicToSend = topic;
        if (alias != null) {
            topicToSend = "";
        } else if (aliases.size() < maximum) {
            alias = aliases.size() + 1;
            aliases.put(topic, alias);
        } else {
            return publish;
        }
        MqttProperties props = new MqttProperties();
        for (MqttProperties.MqttProperty<?> p : header.properties().listAll()) {
            props.add(p);
        }
        props.add(new MqttProperties.IntegerProperty(MqttProperties.MqttPropertyType.TOPIC_ALIAS.value(), alias));
        // The payload moves to the new message as is: same buffer, same reference count.
        return new MqttPublishMessage(publish.fixedHeader(),
                new MqttPublishVariableHeader(topicToSend, header.packetId(), props), publish.payload());
    }
}
