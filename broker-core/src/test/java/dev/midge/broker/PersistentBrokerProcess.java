package dev.midge.broker;



import java.nio.file.Path;

/**
 * A broker with persistence in its own JVM, so a test can kill it like a crash (SIGKILL):
 * {@code java PersistentBrokerProcess DIR} listens on a free loopback port and prints
 * {@code READY <port>}, or {@code REFUSED <message>} and exits 3 if the store is unusable.
 * It runs until killed or until its standard input closes.
 */
public final class PersistentBrokerProcess {

    private PersistentBrokerProcess() {
    }

    public static void main(String[] args) throws Exception {
        MidgeBroker broker;
        try {
            broker = MidgeBroker.start(BrokerOptions.builder()
                    .listener(ListenerOptions.plain(0).withBindAddress("127.0.0.1"))
                    .persistence(Path.of(args[0]))
                    .build());
        } catch (StoreException e) {
            System.out.println("REFUSED " + e.getMessage());
            System.out.flush();
            System.exit(3);
            return;
        }
        System.out.println("READY " + broker.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // Wait for the parent to close our stdin (or kill us).
        }
        broker.close();
    }
}
