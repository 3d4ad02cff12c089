package dev.midge.broker.security;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;

/**
 * Who a connected client is, as the authoriser and the application see it.
 *
 * @param clientId        the MQTT client identifier (possibly assigned by the broker)
 * @param username        the effective username: the certificate-derived one on listeners that
 *                        use the identity as username, else the CONNECT username; null if none
 * @param remoteAddress   the peer's address; null on a unix socket listener
 * @param listenerPort    the local port of the listener the client came in on
 * @param peerCertificate the verified client certificate (leaf), or null without one
 */
public record ClientIdentity(String clientId, String username, InetSocketAddress remoteAddress,
                             int listenerPort, X509Certificate peerCertificate) {
}
