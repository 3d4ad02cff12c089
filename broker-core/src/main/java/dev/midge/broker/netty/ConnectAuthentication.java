package dev.midge.broker.netty;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.listener.ListenerSecurity;
import dev.midge.broker.logging.LogSafe;
import dev.midge.broker.security.AuthenticationResult;
import dev.midge.broker.security.Authenticator;
import dev.midge.broker.security.ConnectRequest;
import io.netty.channel.ChannelHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.security.cert.X509Certificate;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * Who a CONNECT is: the identity the TLS handshake gave (certificate or PSK), else the
 * listener's (or broker's) {@link Authenticator}, which runs on the auth executor, never on the
 * event loop. The verdict comes back on the connection's event loop.
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
        if (handshakeUser != null) {
            then.accept(AuthenticationResult.accept(handshakeUser));
            return;
        }
        Authenticator authenticator = listener.authenticator() != null ? listener.authenticator() : options.authenticator();
        ConnectRequest request = new ConnectRequest(packet.clientId(), packet.username(), packet.password(),
                (InetSocketAddress) ctx.channel().remoteAddress(), Describe.localPort(ctx.channel()), chain);
        try {
            authExecutor.execute(() -> {
                AuthenticationResult result;
                try {
                    result = authenticator.authenticate(request);
                } catch (RuntimeException e) {
                    LOG.error("The authenticator failed for client {}", LogSafe.text(packet.clientId()), e);
                    result = AuthenticationResult.refuse("the authenticator failed");
                }
                AuthenticationResult verdict = result;
                ctx.executor().execute(() -> then.accept(verdict));
            });
        } catch (RejectedExecutionException e) {
            ctx.close(); // the broker is shutting down
        }
    }
}
