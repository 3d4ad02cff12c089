package dev.midge.tls;

import dev.midge.conf.TlsOptions;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.TestPki;

import java.nio.file.Path;

/** TlsOptions for tests, built like a mosquitto.conf listener block. */
final class Options {

    private Path cafile;
    private Path capath;
    private Path certfile;
    private Path keyfile;
    private String tlsVersion;
    private String ciphers;
    private String ciphersTls13;
    private boolean requireCertificate = true;
    private boolean useIdentityAsUsername = true;
    private boolean useSubjectAsUsername;
    private Path crlfile;
    private boolean crlExpiredWarnOnly;
    private TlsOptions.OcspCheck ocspCheck;
    private TlsOptions.Provider provider = TlsProviderUnderTest.get();

    /** require_certificate + use_identity_as_username with the PKI's CA and RSA server certificate. */
    static Options mutualTls(TestPki pki) {
        Options o = new Options();
        o.cafile = pki.caFile();
        o.server(pki.server());
        return o;
    }

    Options server(IssuedCertificate server) { certfile = server.chainFile(); keyfile = server.keyFile(); return this; }
    Options cafile(Path p) { cafile = p; return this; }
    Options capath(Path p) { capath = p; return this; }
    Options certfile(Path p) { certfile = p; return this; }
    Options keyfile(Path p) { keyfile = p; return this; }
    Options tlsVersion(String v) { tlsVersion = v; return this; }
    Options ciphers(String c) { ciphers = c; return this; }
    Options ciphersTls13(String c) { ciphersTls13 = c; return this; }
    Options requireCertificate(boolean b) { requireCertificate = b; return this; }
    Options useIdentityAsUsername(boolean b) { useIdentityAsUsername = b; return this; }
    Options useSubjectAsUsername(boolean b) { useSubjectAsUsername = b; return this; }
    Options crlfile(Path p) { crlfile = p; return this; }
    Options crlExpiredWarnOnly(boolean b) { crlExpiredWarnOnly = b; return this; }
    Options ocspCheck(TlsOptions.OcspCheck c) { ocspCheck = c; return this; }
    Options provider(TlsOptions.Provider p) { provider = p; return this; }

    TlsOptions build() {
        return new TlsOptions(cafile, capath, certfile, keyfile, tlsVersion, ciphers, ciphersTls13, requireCertificate,
                useIdentityAsUsername, useSubjectAsUsername, crlfile, null, null, null, null, null, crlExpiredWarnOnly,
                null, null, ocspCheck, provider);
    }
}
