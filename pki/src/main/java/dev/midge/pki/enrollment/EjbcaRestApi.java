package dev.midge.pki.enrollment;

import dev.midge.pki.LogEscape;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * dojot's EJBCA-REST administrative API ({@code /ca}, {@code /user}) and the minimal dojot login
 * its tools call first ({@code POST /auth} with {@code {"username": TENANT, "passwd": TOKEN}} →
 * {@code {"jwt": ...}} with {@code service} = TENANT). Everything but reading the CA certificate
 * and CRL needs {@code Authorization: Bearer} with the admin token or such a JWT; wrong tokens
 * count towards the enrollment lockout under the name "(admin)", so they cannot be guessed
 * faster than enrollment secrets.
 */
final class EjbcaRestApi {

    private static final Logger LOG = LoggerFactory.getLogger(EjbcaRestApi.class);
    private static final String LOCKOUT_ID = "(admin)";

    private final AdminCredential credential;
    private final EnrollmentLockout lockout;
    private final EjbcaCaRoutes ca;
    private final EjbcaUserRoutes users;

    EjbcaRestApi(Enrollment enrollment, AdminCredential credential, EndEntityAcl acl) {
        this.credential = credential;
        this.lockout = enrollment.lockout();
        this.ca = new EjbcaCaRoutes(enrollment.data());
        this.users = new EjbcaUserRoutes(enrollment.data(), acl, ca.caName());
    }

    static boolean serves(String path) {
        return path.equals("/auth") || path.equals("/ca") || path.startsWith("/ca/") || path.equals("/user")
                || path.startsWith("/user/");
    }

    HttpResponse handle(HttpRequest request) {
        Duration locked = lockout.lockedOut(request.peer().getAddress(), LOCKOUT_ID);
        if (locked != null) {
            return EjbcaJson.error(429, "too many refused admin credentials; retry later")
                    .withHeader("Retry-After", Long.toString(Math.max(1, (locked.toMillis() + 999) / 1000)));
        }
        if (request.path().equals("/auth")) {
            return login(request);
        }
        boolean isCa = request.path().startsWith("/ca");
        if (!(isCa && EjbcaCaRoutes.isPublic(request)) && !credential.authorizes(request.header("authorization"))) {
            refused(request, request.header("authorization") == null ? "no bearer credential"
                    : "a wrong or expired bearer credential");
            return EjbcaJson.error(401, "this needs Authorization: Bearer <admin token or JWT from POST /auth>");
        }
        return isCa ? ca.handle(request) : users.handle(request);
    }

    private HttpResponse login(HttpRequest request) {
        if (!request.method().equals("POST")) {
            return EjbcaJson.error(405, "use POST");
        }
        String body = request.bodyText();
        String username = EjbcaJson.field(body, "username");
        String password = EjbcaJson.field(body, "passwd");
        if (username == null || password == null) {
            return EjbcaJson.error(400, "expected a JSON object with \"username\" (the tenant) and \"passwd\"");
        }
        if (!username.matches("[A-Za-z0-9._-]{1,64}")) {
            return EjbcaJson.error(400, "username (the tenant) must be 1 to 64 letters, digits, '.', '_' or '-'");
        }
        if (!credential.isToken(password)) {
            refused(request, "a wrong password for " + LogEscape.of(username) + " at /auth");
            return EjbcaJson.error(401, "Authentication failed");
        }
        LOG.info("EJBCA-REST: {} logged in as tenant {} with the admin token (JWT valid {} min)", request.peer(),
                username, AdminCredential.JWT_LIFETIME.toMinutes());
        return EjbcaJson.ok("{\"jwt\":" + JsonText.string(credential.jwt(username)) + "}");
    }

    private void refused(HttpRequest request, String why) {
        if (lockout.failed(request.peer().getAddress(), LOCKOUT_ID)) {
            LOG.warn("Refused EJBCA-REST {} {} from {}: {} (further refusals from this address are counted, not"
                    + " logged, until its lockout)", request.method(), LogEscape.of(request.path()), request.peer(), why);
        }
    }
}
