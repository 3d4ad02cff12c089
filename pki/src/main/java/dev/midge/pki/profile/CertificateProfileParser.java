package dev.midge.pki.profile;

import dev.midge.pki.PkiException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a profile file: {@code key = value} lines, {@code #} comments. Every problem is
 * reported as {@code file:line: cause}. See {@link DefaultProfiles} for the commented format.
 */
public final class CertificateProfileParser {

    private static final Set<String> KEY_USAGES = Set.of("digitalSignature", "nonRepudiation", "keyEncipherment",
            "dataEncipherment", "keyAgreement");
    private static final Set<String> EXTENDED_KEY_USAGES = Set.of("serverAuth", "clientAuth", "codeSigning",
            "emailProtection");
    private static final Set<String> SAN_TYPES = Set.of("dns", "ip", "email", "uri");
    private static final Set<String> DIGESTS = Set.of("SHA-256", "SHA-384", "SHA-512");
    private static final Set<String> CURVES = Set.of("P-256", "P-384", "P-521");
    private static final List<String> KEYS = List.of("keys", "validity_days", "signature_digest", "key_usage",
            "extended_key_usage", "request_sans");

    private CertificateProfileParser() {
    }

    public static CertificateProfile parse(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.profile$", "");
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new PkiException(file + ": no such profile");
        } catch (IOException e) {
            throw new PkiException(file + ": cannot read: " + e.getMessage(), e);
        }
        Map<String, String> values = new HashMap<>();
        Map<String, Integer> lineOf = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int eq = line.indexOf('=');
            String key = eq < 0 ? line : line.substring(0, eq).strip();
            if (eq < 0 || !KEYS.contains(key)) {
                throw new PkiException(file + ":" + (i + 1) + ": expected one of " + KEYS + " = value, got '" + line + "'");
            }
            values.put(key, line.substring(eq + 1).strip());
            lineOf.put(key, i + 1);
        }
        for (String key : KEYS) {
            if (!values.containsKey(key)) {
                throw new PkiException(file + ": missing '" + key + " = ...'");
            }
        }
        Context c = new Context(file, lineOf);

        int rsaMin = 0;
        int rsaMax = 0;
        Set<String> curves = new LinkedHashSet<>();
        for (String part : values.get("keys").split(",")) {
            String[] words = part.strip().split("\\s+");
            if (words[0].equals("RSA") && words.length == 2 && words[1].matches("\\d+-\\d+")) {
                String[] range = words[1].split("-");
                rsaMin = Integer.parseInt(range[0]);
                rsaMax = Integer.parseInt(range[1]);
                if (rsaMin < 2048 || rsaMax < rsaMin) {
                    throw c.error("keys", "RSA range " + words[1] + " must start at 2048 or more and not be reversed");
                }
            } else if (words[0].equals("EC") && words.length > 1) {
                for (String curve : Arrays.asList(words).subList(1, words.length)) {
                    if (!CURVES.contains(curve)) {
                        throw c.error("keys", "unknown curve " + curve + " (known: P-256, P-384, P-521)");
                    }
                    curves.add(curve);
                }
            } else {
                throw c.error("keys", "expected 'RSA MIN-MAX' or 'EC CURVE...', got '" + part.strip() + "'");
            }
        }
        int days;
        try {
            days = Integer.parseInt(values.get("validity_days"));
        } catch (NumberFormatException e) {
            days = -1;
        }
        if (days < 1 || days > 36500) {
            throw c.error("validity_days", "expected a number of days from 1 to 36500");
        }
        String digest = values.get("signature_digest");
        if (!DIGESTS.contains(digest)) {
            throw c.error("signature_digest", digest + " is not allowed; use SHA-256, SHA-384 or SHA-512");
        }
        List<String> keyUsage = words(c, "key_usage", values.get("key_usage"), KEY_USAGES);
        List<String> eku = words(c, "extended_key_usage", values.get("extended_key_usage"), EXTENDED_KEY_USAGES);
        List<String> sans = words(c, "request_sans", values.get("request_sans"), SAN_TYPES);
        return new CertificateProfile(name, rsaMin, rsaMax, curves, days, digest, keyUsage, eku, Set.copyOf(sans));
    }

    private static List<String> words(Context c, String key, String value, Set<String> known) {
        List<String> result = new ArrayList<>();
        if (value.equals("none")) {
            return result;
        }
        for (String word : value.split("[\\s,]+")) {
            if (!known.contains(word)) {
                throw c.error(key, "unknown value '" + word + "' (known: " + String.join(", ", known.stream().sorted().toList())
                        + ", or none)");
            }
            result.add(word);
        }
        return result;
    }

    private record Context(Path file, Map<String, Integer> lineOf) {
        PkiException error(String key, String cause) {
            return new PkiException(file + ":" + lineOf.get(key) + ": " + key + ": " + cause);
        }
    }
}
