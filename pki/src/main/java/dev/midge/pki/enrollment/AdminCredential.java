package dev.midge.pki.enrollment;

import dev.midge.pki.store.AtomicFiles;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The credential of the EJBCA-REST administrative routes: a random bearer token kept in the data
 * directory (file mode 0600, made on first use), and the short-lived HS256 JWTs that
 * {@code POST /auth} trades for it. dojot's tools log in first and then send the JWT as the
 * bearer of every call; the JWT's {@code service} claim is the tenant they read from it. The
 * JWT key is derived from the token, so replacing the token file also ends every JWT.
 */
public final class AdminCredential {

    public static final String FILE = "ejbca-admin.token";
    static final Duration JWT_LIFETIME = Duration.ofHours(1);
    private static final Pattern SERVICE = Pattern.compile("\"service\":\"([A-Za-z0-9._-]{1,64})\"");
    private static final Pattern EXP = Pattern.compile("\"exp\":(\\d{1,12})");

    private final Path file;
    private final byte[] token;
    private final byte[] jwtKey;
    private final Clock clock;

    private AdminCredential(Path file, String token, Clock clock) {
        this.file = file;
        this.token = token.getBytes(StandardCharsets.US_ASCII);
        this.jwtKey = sha256(("midge ejbca-rest jwt key\n" + token).getBytes(StandardCharsets.US_ASCII));
        this.clock = clock;
    }

    /** Reads {@code dataDirectory/ejbca-admin.token}, creating it (0600) with 256 random bits if missing. */
    public static AdminCredential openOrCreate(Path dataDirectory, Clock clock) throws IOException {
        Path file = dataDirectory.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            AtomicFiles.writeString(file, HexFormat.of().formatHex(random) + "\n", true);
        }
        String token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        if (token.length() < 32) {
            throw new IOException(file + ": the admin token is shorter than 32 characters");
        }
        return new AdminCredential(file, token, clock);
    }

    public Path file() {
        return file;
    }

    /** Whether {@code password} is the admin token (compared in constant time). */
    boolean isToken(String password) {
        return password != null && MessageDigest.isEqual(token, password.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether an {@code Authorization} header carries the token or a live JWT from {@link #jwt}. */
    boolean authorizes(String authorizationHeader) {
        if (authorizationHeader == null || !authorizationHeader.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        String bearer = authorizationHeader.substring(7).strip();
        return isToken(bearer) || tenantOf(bearer) != null;
    }

    /** An HS256 JWT for {@code tenant} ({@code service} claim), valid for an hour. */
    String jwt(String tenant) {
        long now = clock.instant().getEpochSecond();
        String header = base64Url("{\"alg\":\"HS256\",\"typ\":\"JWT\"}");
        String payload = base64Url("{\"service\":" + JsonText.string(tenant) + ",\"username\":"
                + JsonText.string(tenant) + ",\"iss\":\"midge\",\"iat\":" + now + ",\"exp\":"
                + (now + JWT_LIFETIME.toSeconds()) + "}");
        return header + "." + payload + "." + sign(header + "." + payload);
    }

    /** The tenant of a JWT this credential signed and that has not expired; null otherwise. */
    String tenantOf(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3 || !MessageDigest.isEqual(sign(parts[0] + "." + parts[1])
                .getBytes(StandardCharsets.US_ASCII), parts[2].getBytes(StandardCharsets.US_ASCII))) {
            return null;
        }
        String payload;
        try {
            payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        Matcher exp = EXP.matcher(payload);
        Matcher service = SERVICE.matcher(payload);
        if (!exp.find() || !service.find() || Long.parseLong(exp.group(1)) <= clock.instant().getEpochSecond()) {
            return null;
        }
        return service.group(1);
    }

    private String sign(String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(jwtKey, "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    private static String base64Url(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(byte[] in) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(in);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
