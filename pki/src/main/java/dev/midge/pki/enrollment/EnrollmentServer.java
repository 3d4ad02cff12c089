package dev.midge.pki.enrollment;

import dev.midge.pki.DataDirectory;
import dev.midge.pki.enrollment.http.HttpRequest;
import dev.midge.pki.enrollment.http.HttpResponse;
import dev.midge.pki.enrollment.http.HttpsListener;
import dev.midge.pki.ocsp.OcspHandler;
import dev.midge.pki.ocsp.OcspResponder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;

/**
 * Certificate enrollment over HTTPS, off unless the broker is configured to start it: EST
 * (RFC 7030: {@code /.well-known/est/cacerts}, {@code /.well-known/est/simpleenroll}) and an
 * EJBCA-style {@code POST /sign/CNAME/pkcs10}, both redeeming one-time enrollment secrets.
 * Requests run on the listener's own threads (key signing is slow-ish and must never land on a
 * broker event loop); see {@link HttpsListener} for what bounds a slow client and
 * {@link EnrollmentLockout} for what bounds a guessing one.
 */
public final class EnrollmentServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EnrollmentServer.class);

    /**
     * @param bind    address and port to listen on (port 0: a free one); the wildcard address by default
     * @param limits  connection limits and the per-connection deadline
     * @param lockout limits on wrong secrets
     * @param clock   the lockout's and the admin JWTs' clock
     * @param acl     what EJBCA-REST's {@code POST /user} and {@code DELETE /user/NAME} do to the ACL
     */
    public record Settings(InetSocketAddress bind, HttpsListener.Limits limits, EnrollmentLockout.Policy lockout,
                           Clock clock, EndEntityAcl acl) {

        public Settings(InetSocketAddress bind, HttpsListener.Limits limits, EnrollmentLockout.Policy lockout,
                        Clock clock) {
            this(bind, limits, lockout, clock, EndEntityAcl.NONE);
        }

        /** Listens on every interface on {@code port}, with the default limits. */
        public static Settings onPort(int port) {
            return new Settings(new InetSocketAddress(port), HttpsListener.Limits.DEFAULT,
                    EnrollmentLockout.Policy.DEFAULT, Clock.systemUTC());
        }

        public Settings withBind(InetSocketAddress bind) {
            return new Settings(bind, limits, lockout, clock, acl);
        }

        public Settings withAcl(EndEntityAcl acl) {
            return new Settings(bind, limits, lockout, clock, acl);
        }
    }

    private final HttpsListener listener;
    private final Enrollment enrollment;

    private EnrollmentServer(HttpsListener listener, Enrollment enrollment) {
        this.listener = listener;
        this.enrollment = enrollment;
    }

    /** Certificates issued through EST or /sign since start. */
    public long enrolled() {
        return enrollment.issuedCount();
    }

    /** Enrolments refused since start (wrong or used secrets, lockouts excluded, refused requests). */
    public long refused() {
        return enrollment.refusedCount();
    }

    /**
     * @param port              TCP port on every interface, 0 for a free one (see {@link #port()})
     * @param data              the data directory whose CA issues and whose secrets are redeemed
     * @param serverCertificate PEM chain the HTTPS server presents (the broker's server.crt)
     * @param serverKey         its PKCS#8 PEM key
     */
    public static EnrollmentServer start(int port, DataDirectory data, Path serverCertificate, Path serverKey)
            throws IOException, GeneralSecurityException {
        return start(Settings.onPort(port), data, serverCertificate, serverKey);
    }

    public static EnrollmentServer start(Settings settings, DataDirectory data, Path serverCertificate, Path serverKey)
            throws IOException, GeneralSecurityException {
        Enrollment enrollment = new Enrollment(data, new EnrollmentLockout(settings.lockout(), settings.clock()));
        EstHandler est = new EstHandler(enrollment);
        EjbcaSignHandler sign = new EjbcaSignHandler(enrollment);
        AdminCredential admin = AdminCredential.openOrCreate(data.path(), settings.clock());
        EjbcaRestApi ejbca = new EjbcaRestApi(enrollment, admin, settings.acl());
        OcspResponder responder = new OcspResponder(data, Clock.systemUTC());
        responder.signer(); // issue or renew the responder certificate now, not on the first request
        OcspHandler ocsp = new OcspHandler(responder);
        HttpsListener listener = HttpsListener.start(settings.bind(), ServerTls.context(serverCertificate, serverKey),
                settings.limits(), request -> route(request, est, sign, ejbca, ocsp), "midge-enrollment");
        LOG.info("Enrollment (EST, /sign/<cname>/pkcs10 and EJBCA-REST /auth, /ca, /user) and OCSP (/ocsp) listening on {};"
                + " EJBCA-REST admin token in {}", listener.address(), admin.file());
        return new EnrollmentServer(listener, enrollment);
    }

    private static HttpResponse route(HttpRequest request, EstHandler est, EjbcaSignHandler sign, EjbcaRestApi ejbca,
                                      OcspHandler ocsp) {
        if (OcspHandler.handles(request)) {
            return ocsp.handle(request);
        }
        if (request.path().startsWith(EstHandler.PATH)) {
            return est.handle(request);
        }
        if (request.path().startsWith(EjbcaSignHandler.PATH)) {
            return sign.handle(request);
        }
        if (EjbcaRestApi.serves(request.path())) {
            return ejbca.handle(request);
        }
        return HttpResponse.text(404, "not an enrollment endpoint: use /.well-known/est/, /sign/<cname>/pkcs10,"
                + " /auth, /ca, /user or /ocsp");
    }

    public int port() {
        return listener.address().getPort();
    }

    public InetSocketAddress address() {
        return listener.address();
    }

    @Override
    public void close() {
        listener.close();
    }
}
