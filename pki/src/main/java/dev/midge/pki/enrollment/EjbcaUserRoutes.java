package dev.midge.pki.enrollment;

import dev.midge.pki.CertificateAuthority;
import dev.midge.pki.DataDirectory;
import dev.midge.pki.LogEscape;
import dev.midge.pki.PkiException;
import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import dev.midge.pki.index.IndexEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * dojot EJBCA-REST's {@code /user} routes: end entities (dojot names them TENANT:DEVICE).
 * {@code POST /user} creates one, or resets it to NEW with a new password so that it may be
 * signed once more, and gives the device its ACL entries (as dojot's MQTT manager did for
 * mosquitto); {@code DELETE} revokes its certificates and removes its ACL entries. The caller
 * has checked the admin credential.
 */
final class EjbcaUserRoutes {

    private static final Logger LOG = LoggerFactory.getLogger(EjbcaUserRoutes.class);
    private static final Pattern ROUTE = Pattern.compile("/user(?:/([^/]+)(/find)?)?/?");
    static final String PROFILE = "device";

    private final DataDirectory data;
    private final EndEntityAcl acl;
    private final String caName;

    EjbcaUserRoutes(DataDirectory data, EndEntityAcl acl, String caName) {
        this.data = data;
        this.acl = acl;
        this.caName = caName;
    }

    HttpResponse handle(HttpRequest request) {
        Matcher m = ROUTE.matcher(request.path());
        if (!m.matches()) {
            return EjbcaJson.error(404, "expected /user, /user/<name> or /user/<name>/find");
        }
        String method = request.method();
        try {
            if (m.group(1) == null) {
                return method.equals("POST") ? createOrEdit(request) : EjbcaJson.error(405, "use POST");
            }
            String name = m.group(1);
            if (m.group(2) != null) {
                return method.equals("GET") ? find(request, name) : EjbcaJson.error(405, "use GET");
            }
            return switch (method) {
                case "GET" -> get(name);
                case "DELETE" -> delete(request, name);
                default -> EjbcaJson.error(405, "use GET or DELETE");
            };
        } catch (IOException | RuntimeException e) {
            LOG.error("EJBCA-REST {} {} from {} failed: {}", method, LogEscape.of(request.path()), request.peer(),
                    LogEscape.of(String.valueOf(e.getMessage())));
            return EjbcaJson.error(500, "could not do that: " + e.getMessage());
        }
    }

    private HttpResponse createOrEdit(HttpRequest request) throws IOException {
        String type = request.header("content-type");
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            return EjbcaJson.error(400, "invalid mimetype");
        }
        String body = new String(request.body(), java.nio.charset.StandardCharsets.UTF_8);
        String username = EjbcaJson.field(body, "username");
        String password = EjbcaJson.field(body, "password");
        String subject = EjbcaJson.field(body, "subjectDN");
        String ca = EjbcaJson.field(body, "caName");
        if (username == null) {
            return EjbcaJson.error(400, "required field username missing.");
        }
        try {
            CertificateAuthority.checkCommonName(username);
        } catch (PkiException e) {
            return EjbcaJson.error(400, e.getMessage());
        }
        // EJBCA-REST defaults the password to "dojot"; Midge does not make up a shared secret.
        if (password == null || password.isEmpty()) {
            return EjbcaJson.error(400, "required field password missing (Midge has no default password;"
                    + " dojot's certificate retriever signs with \"dojot\")");
        }
        if (subject != null && !subject.replace(" ", "").equals("CN=" + username)) {
            return EjbcaJson.error(400, "subjectDN must be CN=" + username + ": the CN is the device's MQTT username");
        }
        if (ca != null && !ca.equals(caName) && !ca.equals(EjbcaCaRoutes.DOJOT_CA_NAME)) {
            return EjbcaJson.error(400, "no CA named " + ca + " (this one is " + caName + ")");
        }
        boolean existed = data.enrollments().find(username).isPresent();
        data.enrollments().register(username, password, PROFILE, EnrollmentRegistry.DEFAULT_VALIDITY);
        String granted = acl.grant(username);
        LOG.info("EJBCA-REST: {} end entity {} (status NEW, may be signed once within {} days) for {}{}",
                existed ? "reset" : "created", LogEscape.of(username), EnrollmentRegistry.DEFAULT_VALIDITY.toDays(),
                request.peer(), granted.isEmpty() ? "" : "; ACL: " + granted);
        return EjbcaJson.done();
    }

    private HttpResponse get(String name) {
        Optional<EndEntity> entity = data.enrollments().find(name);
        if (entity.isEmpty()) {
            return EjbcaJson.error(404, "no user found");
        }
        EndEntity e = entity.get();
        // EJBCA's status codes: 10 NEW, 40 GENERATED.
        return EjbcaJson.ok("{\"user\":[{\"username\":" + JsonText.string(e.id()) + ",\"subjectDN\":"
                + JsonText.string("CN=" + e.id()) + ",\"caName\":" + JsonText.string(caName)
                + ",\"certificateProfileName\":" + JsonText.string(e.profile()) + ",\"status\":"
                + (e.status() == EndEntity.Status.NEW ? 10 : 40) + ",\"expires\":"
                + JsonText.string(e.expires().toString()) + "}]}");
    }

    private HttpResponse delete(HttpRequest request, String name) throws IOException {
        RevocationReason reason = EjbcaJson.reason(request.queryParameter("reason"));
        if (reason == null) {
            return EjbcaJson.error(400, "invalid revokation reason " + request.queryParameter("reason"));
        }
        List<IndexEntry> revoked = data.authority().revoke(name, reason);
        boolean hadEntity = data.enrollments().remove(name);
        boolean hadAcl = acl.revoke(name);
        if (revoked.isEmpty() && !hadEntity && !hadAcl) {
            return EjbcaJson.error(404, "no user found");
        }
        LOG.info("EJBCA-REST: deleted end entity {} for {}: revoked {} ({}){}", LogEscape.of(name), request.peer(),
                revoked.isEmpty() ? "no certificate" : revoked.stream().map(IndexEntry::serialHex)
                        .collect(Collectors.joining(", ")), EjbcaJson.reasonName(reason),
                hadAcl ? ", removed its ACL entries" : "");
        return EjbcaJson.done();
    }

    private HttpResponse find(HttpRequest request, String name) {
        boolean onlyValid = !"false".equalsIgnoreCase(request.queryParameter("valid"));
        Instant now = Instant.now();
        List<IndexEntry> certs = data.index().entries().stream()
                .filter(e -> e.commonName().equals(name) && (!onlyValid || e.isValid(now))).toList();
        if (certs.isEmpty()) {
            return EjbcaJson.error(404, "no certificates found");
        }
        return EjbcaJson.ok("{\"certs\":[" + certs.stream().map(e -> "{\"serialNumber\":" + JsonText.string(e.serialHex())
                + ",\"status\":" + JsonText.string(e.status(now).name()) + ",\"certificateData\":"
                + JsonText.string(EjbcaJson.der(data.certificate(e.serial()))) + "}").collect(Collectors.joining(","))
                + "]}");
    }
}
