package dev.midge.conf.pkcs11;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * An RFC 7512 PKCS#11 URI naming a private key in a token, as mosquitto's {@code keyfile} takes it
 * with {@code tls_keyform engine} (libp11's engine):
 * {@code pkcs11:token=midge;object=server?module-path=/usr/lib/softhsm/libsofthsm2.so&pin-source=file:/etc/pin}.
 *
 * <p>Only the attributes Midge can honour are accepted; any other one (id, serial, manufacturer,
 * ...) is an error rather than ignored, since ignoring it could pick another key than the one
 * named. OpenSSL's engine finds the module through its own openssl.cnf; the JDK needs it named,
 * so {@code module-path} is required.
 *
 * @param token      the token's label (CKA_LABEL of the token), or null with slotId
 * @param slotId     the slot's id, or null with token
 * @param object     the key's label; the token must hold its certificate under the same CKA_ID,
 *                   as the JDK's PKCS#11 KeyStore requires
 * @param modulePath the PKCS#11 library
 * @param pinValue   the user PIN given in the URI, or null
 * @param pinSource  a file holding the PIN (first line), or null
 */
public record Pkcs11Uri(String token, Long slotId, String object, Path modulePath, String pinValue, Path pinSource) {

    public static final String SCHEME = "pkcs11:";

    private static final Set<String> PATH_ATTRIBUTES = Set.of("token", "slot-id", "object", "type");
    private static final Set<String> QUERY_ATTRIBUTES = Set.of("module-path", "pin-value", "pin-source");

    public static boolean looksLikeOne(String text) {
        return text.regionMatches(true, 0, SCHEME, 0, SCHEME.length());
    }

    /** @throws IllegalArgumentException with a sentence saying what is wrong */
    public static Pkcs11Uri parse(String text) {
        if (!looksLikeOne(text)) {
            throw new IllegalArgumentException("'" + text + "' is not a PKCS#11 URI (pkcs11:token=...;object=...)");
        }
        String rest = text.substring(SCHEME.length());
        int query = rest.indexOf('?');
        Map<String, String> path = attributes(query < 0 ? rest : rest.substring(0, query), ";", PATH_ATTRIBUTES);
        Map<String, String> params = query < 0 ? Map.of()
                : attributes(rest.substring(query + 1), "&", QUERY_ATTRIBUTES);

        String type = path.get("type");
        if (type != null && !type.equals("private")) {
            throw new IllegalArgumentException("the PKCS#11 URI names type=" + type + "; the key must be type=private");
        }
        if (path.get("object") == null) {
            throw new IllegalArgumentException("the PKCS#11 URI has no object=LABEL naming the key");
        }
        if (path.get("token") == null && path.get("slot-id") == null) {
            throw new IllegalArgumentException("the PKCS#11 URI names no token: add token=LABEL or slot-id=N");
        }
        Long slotId = null;
        if (path.get("slot-id") != null) {
            try {
                slotId = Long.parseUnsignedLong(path.get("slot-id"));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("slot-id=" + path.get("slot-id") + " in the PKCS#11 URI is not a number");
            }
        }
        if (params.get("module-path") == null) {
            throw new IllegalArgumentException("the PKCS#11 URI has no module-path: Java cannot find the token's library "
                    + "by itself; add ?module-path=/path/to/the/pkcs11/library.so");
        }
        if (params.get("pin-value") != null && params.get("pin-source") != null) {
            throw new IllegalArgumentException("the PKCS#11 URI gives both pin-value and pin-source; give one");
        }
        String pinSource = params.get("pin-source");
        return new Pkcs11Uri(path.get("token"), slotId, path.get("object"), Path.of(params.get("module-path")),
                params.get("pin-value"), pinSource == null ? null : Path.of(pinSource.startsWith("file:")
                        ? pinSource.substring("file:".length()) : pinSource));
    }

    private static Map<String, String> attributes(String part, String separator, Set<String> allowed) {
        Map<String, String> values = new HashMap<>();
        if (part.isEmpty()) {
            return values;
        }
        for (String attribute : part.split(separator, -1)) {
            int eq = attribute.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("'" + attribute + "' in the PKCS#11 URI is not NAME=VALUE");
            }
            String name = attribute.substring(0, eq);
            if (!allowed.contains(name)) {
                throw new IllegalArgumentException("the PKCS#11 URI attribute '" + name + "' is not supported by Midge ("
                        + "it knows token, slot-id, object, type=private, module-path, pin-value, pin-source)");
            }
            if (values.put(name, percentDecoded(attribute.substring(eq + 1))) != null) {
                throw new IllegalArgumentException("the PKCS#11 URI gives '" + name + "' twice");
            }
        }
        return values;
    }

    /** RFC 3986 percent-decoding to UTF-8 ('+' is a plus, not a space, in a PKCS#11 URI). */
    private static String percentDecoded(String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("'" + value + "' in the PKCS#11 URI has a broken %-escape");
                }
                try {
                    out.write(Integer.parseInt(value.substring(i + 1, i + 3), 16));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("'" + value + "' in the PKCS#11 URI has a broken %-escape");
                }
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** For log lines: the URI without its PIN. */
    @Override
    public String toString() {
        return SCHEME + (token != null ? "token=" + token : "slot-id=" + Long.toUnsignedString(slotId))
                + ";object=" + object + "?module-path=" + modulePath
                + (pinSource != null ? "&pin-source=" + pinSource : pinValue != null ? "&pin-value=(hidden)" : "");
    }
}
