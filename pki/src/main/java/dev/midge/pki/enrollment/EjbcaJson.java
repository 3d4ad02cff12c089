package dev.midge.pki.enrollment;

import dev.midge.pki.crl.RevocationReason;
import dev.midge.pki.enrollment.http.HttpResponse;

import java.security.cert.CRLException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509CRL;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JSON of dojot's EJBCA-REST: answers as {@code application/json}, errors as
 * {@code {"message": "...", "status": N}} with that HTTP status, certificates and CRLs as
 * base64 DER without armour, revocation reasons by EJBCA's names.
 */
final class EjbcaJson {

    /** EJBCA's names of the RFC 5280 reasons (certificateHold is left out: Midge never un-revokes). */
    static final Map<String, RevocationReason> REASONS = Map.of(
            "UNSPECIFIED", RevocationReason.unspecified,
            "KEY_COMPROMISE", RevocationReason.keyCompromise,
            "CA_COMPROMISE", RevocationReason.cACompromise,
            "AFFILIATION_CHANGED", RevocationReason.affiliationChanged,
            "SUPERSEDED", RevocationReason.superseded,
            "CESSATION_OF_OPERATION", RevocationReason.cessationOfOperation,
            "PRIVILEGES_WITHDRAWN", RevocationReason.privilegeWithdrawn,
            "AA_COMPROMISE", RevocationReason.aACompromise);

    private EjbcaJson() {
    }

    static HttpResponse ok(String json) {
        return HttpResponse.of(200, "application/json", json + "\n");
    }

    static HttpResponse error(int status, String message) {
        return HttpResponse.of(status, "application/json",
                "{\"message\":" + JsonText.string(message) + ",\"status\":" + status + "}\n");
    }

    /** EJBCA-REST's answer to a call that only succeeds. */
    static HttpResponse done() {
        return error(200, "ok");
    }

    static String reasonName(RevocationReason reason) {
        return REASONS.entrySet().stream().filter(e -> e.getValue() == reason).map(Map.Entry::getKey)
                .findFirst().orElse("UNSPECIFIED");
    }

    /** null for a name EJBCA does not know or Midge does not do. */
    static RevocationReason reason(String name) {
        return REASONS.get(name == null ? "UNSPECIFIED" : name);
    }

    static String der(X509Certificate certificate) {
        try {
            return Base64.getEncoder().encodeToString(certificate.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode a certificate", e);
        }
    }

    static String der(X509CRL crl) {
        try {
            return Base64.getEncoder().encodeToString(crl.getEncoded());
        } catch (CRLException e) {
            throw new IllegalStateException("cannot encode a CRL", e);
        }
    }

    /**
     * A string field of a flat JSON object, unescaped; null if absent. Enough for these flat
     * bodies without a JSON library. The quantifiers are possessive: with a plain
     * {@code (a|b)*} the regex engine recurses once per character and a 64 KiB body overflows
     * the stack.
     */
    static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + Pattern.quote(name) + "\"\\s*:\\s*\"((?:[^\"\\\\]++|\\\\.)*+)\"").matcher(json);
        return m.find() ? unescape(m.group(1)) : null;
    }

    private static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '\\' || i + 1 == s.length()) {
                out.append(c);
                continue;
            }
            char e = s.charAt(++i);
            switch (e) {
                case 'n' -> out.append('\n');
                case 'r' -> out.append('\r');
                case 't' -> out.append('\t');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    if (i + 4 < s.length() && s.substring(i + 1, i + 5).matches("[0-9a-fA-F]{4}")) {
                        out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
                        i += 4;
                    } else {
                        out.append('u');
                    }
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }
}
