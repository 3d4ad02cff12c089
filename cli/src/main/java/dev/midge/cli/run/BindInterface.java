package dev.midge.cli.run;

import dev.midge.conf.ListenerConfig;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * mosquitto's {@code bind_interface}: a JVM cannot set SO_BINDTODEVICE, so the listener binds each
 * address the interface has at start-up instead (one socket per address). An interface that is
 * missing, or has no address the listener could use, stops start-up: listening on every interface
 * instead would expose the broker where the file says it must not be.
 */
final class BindInterface {

    private BindInterface() {
    }

    /**
     * The addresses to bind: the interface's (within {@code socket_domain}, and only the listener's own
     * bind address if it has one), or the listener's bind address alone without {@code bind_interface}.
     *
     * @param bindAddress the listener's bind address as the assembly computed it (null for all)
     */
    static List<String> addresses(ListenerConfig listener, String bindAddress) throws StartupException {
        String name = listener.extras().bindInterface();
        if (name == null) {
            return Collections.singletonList(bindAddress);
        }
        NetworkInterface nic;
        try {
            nic = NetworkInterface.getByName(name);
        } catch (SocketException e) {
            nic = null;
        }
        if (nic == null) {
            throw refused(listener, name, "there is no such network interface (`ip link` lists them)");
        }
        List<String> addresses = new ArrayList<>();
        for (InetAddress address : Collections.list(nic.getInetAddresses())) {
            if (!inDomain(listener, address)) {
                continue;
            }
            String literal = address.getHostAddress();
            if (listener.bindAddress() == null || sameAddress(listener.bindAddress(), address)) {
                addresses.add(literal);
            }
        }
        if (addresses.isEmpty()) {
            throw refused(listener, name, listener.bindAddress() != null
                    ? "the interface does not have the listener's address " + listener.bindAddress()
                    : "the interface has no address" + (listener.socketDomain() != null ? " of socket_domain "
                    + listener.socketDomain().name().toLowerCase(java.util.Locale.ROOT) : "") + " to listen on");
        }
        return addresses;
    }

    private static boolean inDomain(ListenerConfig listener, InetAddress address) {
        if (listener.socketDomain() == null) {
            return true;
        }
        return listener.socketDomain() == ListenerConfig.SocketDomain.IPV4 ? address instanceof Inet4Address
                : address instanceof Inet6Address;
    }

    private static boolean sameAddress(String bindAddress, InetAddress address) {
        try {
            for (InetAddress a : InetAddress.getAllByName(bindAddress)) {
                if (a.equals(address)) {
                    return true;
                }
            }
        } catch (java.net.UnknownHostException e) {
            return false;
        }
        return false;
    }

    private static StartupException refused(ListenerConfig listener, String name, String why) {
        return new StartupException(listener.extras().bindInterfaceAt() + ": bind_interface " + name
                + " cannot be honoured: " + why, 3);
    }
}
