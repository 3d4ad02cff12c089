package dev.midge.cluster;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import java.security.cert.X509Certificate;

/** A node's name is its certificate's CN. */
final class NodeNames {

    private NodeNames() {
    }

    /**
     * The node name of a member: its JGroups logical name, without the version Infinispan
     * appends to addresses ({@code node-2(v=16.1.4)}).
     */
    static String of(Object address) {
        String name = address instanceof org.jgroups.Address a ? org.jgroups.util.NameCache.get(a) : null;
        if (name == null) {
            name = String.valueOf(address);
        }
        int version = name.indexOf('(');
        return version > 0 ? name.substring(0, version) : name;
    }

    /** The (last) CN of the certificate's subject, or null. */
    static String commonName(X509Certificate certificate) {
        try {
            String cn = null;
            for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    cn = rdn.getValue().toString();
                }
            }
            return cn;
        } catch (InvalidNameException e) {
            return null;
        }
    }
}
