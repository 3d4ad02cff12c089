package dev.midge.bench.sidebyside;

import dev.midge.broker.BrokerOptions;
import dev.midge.broker.ListenerOptions;
import dev.midge.broker.MidgeBroker;
import dev.midge.broker.security.Authenticator;
import dev.midge.conf.BrokerConfig;
import dev.midge.conf.ListenerConfig;
import dev.midge.conf.MosquittoConf;
import dev.midge.tls.TlsListenerSecurity;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Midge in its own JVM from a mosquitto.conf: the listeners (with {@link TlsListenerSecurity}
 * for TLS ones), allow_anonymous and the queue limits; just what the benchmark confs use. A
 * stand-in for {@code broker.jar -c CONF} (pass {@code --midge-jar} to SideBySide to use that).
 */
public final class MidgeChild {

    private MidgeChild() {
    }

    public static void main(String[] args) throws Exception {
        BrokerConfig config = MosquittoConf.parse(Path.of(args[0])).config();
        BrokerOptions.Builder options = BrokerOptions.builder()
                .maxInflightMessages(config.maxInflightMessages())
                .maxQueuedMessages(config.maxQueuedMessages())
                .maxQueuedBytes(config.maxQueuedBytes());
        for (ListenerConfig l : config.listeners()) {
            ListenerOptions listener = ListenerOptions.plain(l.port()).withBindAddress(l.bindAddress())
                    .withMaxConnections(l.maxConnections())
                    .withAuthenticator(l.security().allowAnonymousOr(false)
                            ? Authenticator.allowAnonymous() : Authenticator.denyAnonymous());
            if (l.isTls()) {
                listener = listener.withSecurity(TlsListenerSecurity.create(l.tls(), null));
            }
            options.listener(listener);
        }
        MidgeBroker broker = MidgeBroker.start(options.build());
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close));
        new CountDownLatch(1).await(); // until SIGTERM
    }
}
