package dev.midge.broker.security;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

/**
 * What a client presented when it connected, handed to an {@link Authenticator}.
 *
 * @param clientId         the MQTT client identifier
 * @param username         the CONNECT username, or null
 * @param password         the CONNECT password bytes, or null
 * @param remoteAddress    the peer's address; null on a unix socket listener
 * @param listenerPort     the local port of the listener
 * @param peerCertificates the verified client certificate chain (leaf first), or null
 */
public record ConnectRequest(String clientId, String username, byte[] password,
                             InetSocketAddress remoteAddress, int listenerPort,
                             X509Certificate[] peerCertificates) {
}
