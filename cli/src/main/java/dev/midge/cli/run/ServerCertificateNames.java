package dev.midge.cli.run;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.IssuedCertificate;
import dev.midge.pki.issue.KeyPairs;
import dev.midge.pki.profile.DefaultProfiles;
import dev.midge.pki.store.AtomicFiles;
import dev.midge.pki.store.Pem;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.security.KeyPair;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names the secure default's server certificate is valid for. A device checks the name it
 * dialled against them (mosquitto_pub does unless --insecure), so a certificate for localhost
 * alone fails every device that connects by the machine's name or address. The names are the
 * operator's ({@code --server-name}) or, by default, localhost, the host name and the machine's
 * addresses; when they differ from the certificate's, a new one is issued at start-up.
 */
public final class ServerCertificateNames {

    private static final Logger LOG = LoggerFactory.getLogger(ServerCertificateNames.class);

    private ServerCertificateNames() {
    }

    /** localhost, 127.0.0.1, ::1, the host name and every address of an interface that is up. */
    public static Set<String> defaults() {
        Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
        try {
            names.add(InetAddress.getLocalHost().getHostName());
        } catch (UnknownHostException e) {
            // no usable host name: the addresses still identify the machine
        }
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    // Link-local IPv6 addresses need a zone to be dialled; nobody verifies a name by them.
                    if (!(address instanceof Inet6Address && address.isLinkLocalAddress())) {
                        names.add(canonical(address.getHostAddress()));
                    }
                }
            }
        } catch (SocketException e) {
            LOG.warn("Cannot list this machine's addresses for the server certificate: {}", e.getMessage());
        }
        return names;
    }

    /** Re-issues the server certificate (new key) when its names are not exactly {@code wanted}. */
    public static void ensure(DataDirectory data, Set<String> wanted) throws IOException {
        Set<String> wantedCanonical = new LinkedHashSet<>();
        wanted.forEach(n -> wantedCanonical.add(canonical(n)));
        X509Certificate current = Pem.readCertificates(data.serverCertificate()).get(0);
        Set<String> present = names(current);
        if (present.equals(wantedCanonical)) {
            return;
        }
        KeyPair key = KeyPairs.ec("P-256");
        GeneralNames sans = generalNames(wantedCanonical);
        String commonName = current.getSubjectX500Principal().getName().replaceFirst("^CN=", "");
        IssuedCertificate server = data.authority().issue(commonName,
                SubjectPublicKeyInfo.getInstance(key.getPublic().getEncoded()), sans, DefaultProfiles.SERVER);
        // Key first: a reader that sees the new certificate must find its key (the broker reloads both).
        AtomicFiles.writeString(data.serverKey(), Pem.encodePrivateKey(key.getPrivate()), true);
        AtomicFiles.writeString(data.serverCertificate(), Pem.encode(server.certificate(), data.issuingCaCertificate()),
                false);
        LOG.info("Issued a new server certificate {} for {} (the old one was for {}).", data.serverCertificate(),
                String.join(", ", wantedCanonical), String.join(", ", present));
    }

    /** The names as a certificate carries them: addresses as iPAddress, the rest as dNSName. */
    public static GeneralNames generalNames(Set<String> names) {
        return new GeneralNames(names.stream().map(ServerCertificateNames::canonical)
                .map(ServerCertificateNames::generalName).distinct().toArray(GeneralName[]::new));
    }

    private static Set<String> names(X509Certificate certificate) {
        Set<String> names = new LinkedHashSet<>();
        try {
            if (certificate.getSubjectAlternativeNames() != null) {
                certificate.getSubjectAlternativeNames().forEach(n -> names.add(canonical(String.valueOf(n.get(1)))));
            }
        } catch (CertificateParsingException e) {
            // unreadable names: treat as none, so a good certificate replaces it
        }
        return names;
    }

    private static GeneralName generalName(String name) {
        return isAddress(name) ? new GeneralName(GeneralName.iPAddress, name) : new GeneralName(GeneralName.dNSName, name);
    }

    /** Addresses in one spelling ("::1", not "0:0:0:0:0:0:0:1"), so comparing sets means something. */
    private static String canonical(String name) {
        String bare = name.contains("%") ? name.substring(0, name.indexOf('%')) : name;
        if (!isAddress(bare)) {
            return bare.toLowerCase(java.util.Locale.ROOT);
        }
        try {
            InetAddress address = InetAddress.getByName(bare); // a literal: no lookup
            return address instanceof Inet6Address ? shortIpv6(address.getAddress()) : address.getHostAddress();
        } catch (UnknownHostException e) {
            return bare;
        }
    }

    /** RFC 5952: groups without leading zeros, the longest run of two or more zero groups as "::". */
    private static String shortIpv6(byte[] bytes) {
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int bestStart = -1;
        int bestLength = 1;
        for (int i = 0; i < 8; ) {
            int j = i;
            while (j < 8 && groups[j] == 0) {
                j++;
            }
            if (j - i > bestLength) {
                bestStart = i;
                bestLength = j - i;
            }
            i = j == i ? i + 1 : j;
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean isAddress(String name) {
        return name.matches("[0-9.]+") && name.chars().filter(c -> c == '.').count() == 3 || name.contains(":");
    }
}
