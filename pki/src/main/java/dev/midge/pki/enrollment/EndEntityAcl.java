package dev.midge.pki.enrollment;

import java.io.IOException;

/**
 * What the EJBCA-REST {@code POST /user} and {@code DELETE /user/NAME} do to the broker's ACL,
 * as dojot's MQTT manager did for mosquitto. pki does not edit ACL files itself (it knows no
 * MQTT): the CLI wires an implementation; {@link #NONE} leaves the ACL alone.
 */
public interface EndEntityAcl {

    EndEntityAcl NONE = new EndEntityAcl() {
        @Override
        public String grant(String username) {
            return "";
        }

        @Override
        public boolean revoke(String username) {
            return false;
        }
    };

    /** Gives the device its default entries; returns them as written, for the log. */
    String grant(String username) throws IOException;

    /** Removes the device's entries; false if it had none. */
    boolean revoke(String username) throws IOException;
}
