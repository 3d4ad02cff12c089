package dev.midge.pki;

import java.nio.file.Path;

/**
 * What the broker needs to run on its secure default, from {@link DataDirectory#openOrInitialize}.
 *
 * @param conf              the generated mosquitto.conf (listener, cafile, certfile, keyfile, acl_file, crlfile)
 * @param caChain           PEM: issuing CA then root; what client certificates are checked against
 * @param serverCertificate PEM: the server certificate followed by the issuing CA
 * @param serverKey         PEM, PKCS#8, unencrypted, 0600
 * @param aclFile           the ACL the admin commands edit and the broker watches
 * @param crlFile           the CRL the admin commands write and the broker watches
 * @param dataDirectory     the directory itself
 * @param created           true if this call created the directory (first run)
 */
public record SecureDefault(Path conf, Path caChain, Path serverCertificate, Path serverKey, Path aclFile,
                            Path crlFile, Path dataDirectory, boolean created) {
}
