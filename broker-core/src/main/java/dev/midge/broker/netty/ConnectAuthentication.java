package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.security.AuthPlugin;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.ConnectRequest;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Who a CONNECT is: the identity the TLS handshake gave (certificate or PSK), else the
 * listener's (or broker's) {@link Authenticator}, which runs on the auth executor, never on the
 * event loop; then every {@link AuthPlugin}, there too, each of which may refuse. The verdict
 * comes back on the connection's event loop.
 */
final class ConnectAuthentication {

    private static final Logger LOG = LoggerFactory.getLogger(ConnectAuthentication.class);

    private final ListenerOptions listener;
    private final BrokerOptions options;
    private final Executor authExecutor;

    ConnectAuthentication(ListenerOptions listener, BrokerOptions options, Executor authExecutor) {
        this.listener = listener;
        this.options = options;
        this.authExecutor = authExecutor;
    }

    void verdict(ChannelHandlerContext ctx, ConnectPacket packet, X509Certificate[] chain,
                 Consumer<AuthenticationResult> then) {
        ListenerSecurity security = listener.security();
        String handshakeUser = security == null ? null
                : chain != null ? security.usernameFor(chain) : security.transportUsername(ctx.channel());
        List<AuthPlugin> plugins = options.access().plugins();
        if (handshakeUser != null && plugins.isEmpty()) {
            then.accept(AuthenticationResult.accept(handshakeUser));
            return;
        }
        Authenticator authenticator = listener.authenticator() != null ? listener.authenticator() : options.authenticator();
        ConnectRequest request = new ConnectRequest(packet.clientId(), packet.username(), packet.password(),
                Describe.inetPeer(ctx.channel()), Describe.localPort(ctx.channel()), chain);
        try {
            authExecutor.execute(() -> {
                AuthenticationResult verdict = handshakeUser != null ? AuthenticationResult.accept(handshakeUser)
                        : ask("the authenticator", packet, () -> authenticator.authenticate(request));
                for (int i = 0; i < plugins.size() && verdict.accepted(); i++) {
                    AuthPlugin plugin = plugins.get(i);
                    String username = verdict.username();
                    AuthenticationResult pluginVerdict = ask("plugin " + plugin.name(), packet,
                            () -> plugin.checkConnect(request, username));
                    if (!pluginVerdict.accepted()) {
                        verdict = AuthenticationResult.refuse("plugin " + plugin.name() + ": "
                                + pluginVerdict.reason());
                    }
                }
                AuthenticationResult result = verdict;
                ctx.executor().execute(() -> then.accept(result));
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // the broker is shutting down
        }
    }

    /** A failing check refuses the client (and logs the bug) rather than letting it in. */
    private static AuthenticationResult ask(String who, ConnectPacket packet, Supplier<AuthenticationResult> check) {
        try {
            AuthenticationResult result = check.get();
            return result != null ? result : AuthenticationResult.refuse(who + " gave no verdict");
        } catch (RuntimeException e) {
            LOG.error("{} failed for client {}", who, LogSafe.text(packet.clientId()), e);
            return AuthenticationResult.refuse(who + " failed");
        }
    }
}
