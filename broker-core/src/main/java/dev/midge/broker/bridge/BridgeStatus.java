package dev.midge.broker.bridge;

/**
 * What a bridge is doing now, for the log, $SYS and metrics.
 *
 * @param name          the connection name
 * @param connected     whether the remote accepted the bridge and the connection is up
 * @param remoteAddress the address connected to or being tried (host:port)
 * @param queued        QoS 1/2 messages waiting to go to the remote, in flight ones included
 * @param lastError     why the last attempt or connection ended, or null
 */
public record BridgeStatus(String name, boolean connected, String remoteAddress, int queued, String lastError) {
}
