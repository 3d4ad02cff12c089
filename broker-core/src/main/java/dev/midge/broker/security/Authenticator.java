package dev.midge.broker.security;

/**
 * Decides whether a CONNECT is let in. The broker calls it off the event loop, so an
 * implementation may read files or do slow password hashing.
 *
 * <p>On a listener whose TLS security ({@link TlsSecurity}) derives the username from the client
 * certificate, the certificate has already authenticated the client and the authenticator is
 * not consulted (mosquitto's {@code use_identity_as_username} semantics).
 */
@FunctionalInterface
public interface Authenticator {

    AuthenticationResult authenticate(ConnectRequest request);

    /** Lets everyone in under the username they sent. */
    static Authenticator allowAnonymous() {
        return request -> AuthenticationResult.accept(request.username());
    }

    /** Lets in only clients that sent a username; checks nothing else. */
    static Authenticator denyAnonymous() {
        return request -> request.username() == null
                ? AuthenticationResult.refuse("no username and anonymous access is not allowed")
                : AuthenticationResult.accept(request.username());
    }
}
