package dev.midge.conf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cipher string means what the real {@code openssl ciphers -s -v} says it means: the same TLS
 * 1.2 suites in the same order, restricted to the suites both OpenSSL and the JDK implement.
 */
class OpenSslCipherStringTest {

    private static final Set<String> BOTH = OpenSslSuites.SUITES.stream().map(OpenSslSuites.Entry::name)
            .collect(Collectors.toSet());
    private static final Set<String> PSK = OpenSslSuites.PSK_SUITES.stream().map(OpenSslSuites.Entry::name)
            .collect(Collectors.toSet());

    @ParameterizedTest
    @ValueSource(strings = {
            "DEFAULT", "ALL", "HIGH", "HIGH:!aNULL:!MD5", "HIGH:!aNULL:!MD5:!RC4", "ECDHE+AESGCM",
            "ECDHE+AESGCM:ECDHE+CHACHA20", "kECDHE", "aRSA", "aECDSA", "AESGCM", "CHACHA20", "SHA256", "SHA384",
            "SHA1", "SHA", "TLSv1.2", "TLSv1", "TLSv1.0", "SSLv3", "ALL:!SHA1", "ALL:-kRSA", "ALL:-kRSA:kRSA",
            "ALL:!kRSA:kRSA", "ALL:+kRSA", "ALL:+AES128", "AES128:AES256:@STRENGTH", "ALL:@STRENGTH",
            "DEFAULT:!SHA1", "DEFAULT:@SECLEVEL=3", "ALL:@SECLEVEL=4", "HIGH:@SECLEVEL=5", "ALL:@SECLEVEL=0",
            "COMPLEMENTOFDEFAULT", "ALL:!COMPLEMENTOFDEFAULT", "DHE", "EDH", "EECDH", "DH", "ECDH", "kEDH",
            "RSA", "kRSA", "DSS", "aDSS", "AES", "AES128", "AES256", "FIPS", "HIGH+FIPS", "MEDIUM", "LOW",
            "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256:AES128-SHA:ECDHE-ECDSA-AES256-SHA384",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:TLS_RSA_WITH_AES_256_CBC_SHA",
            "ECDHE-RSA-AES128-SHA+SHA1", "ECDHE-RSA-AES128-SHA+SHA256", "kECDHE+aRSA+AES256+SHA384",
            "AESGCM+kRSA:CHACHA20:-ECDSA", "NOSUCHWORD:AES256-SHA", "CAMELLIA:AES128-SHA",
            "ECDHE:!ECDSA:-DHE:+SHA1", "ECDHE+AESGCM:!AES128", "SHA1+SHA256", "TLSv1.2+TLSv1",
            "ALL:!aNULL:!eNULL:!EXPORT:!DES:!RC4:!MD5:!PSK:!aECDH:!EDH-DSS-DES-CBC3-SHA:!KRB5-DES-CBC3-SHA",
            "EECDH+AESGCM:EDH+AESGCM", "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305",
            "DEFAULT:-AES256:AES256", "HIGH:-AES:+AESGCM:AES", "CBC", "CBC:!SHA1", "ALL,!kRSA;!SHA1 !CBC",
            "DEFAULTS", "kRSA:DEFAULT", "!ALL:HIGH", "-ALL:kRSA:ALL"})
    void selectsWhatOpenSslSelects(String rules) throws Exception {
        List<String> openssl = openssl(rules);
        assertEquals(openssl, OpenSslCipherString.opensslNames(rules), rules);
    }

    @ParameterizedTest
    @ValueSource(strings = {"HIGH:$", "ECDHE+", "@FOO", "HIGH:@SECLEVEL=6", "HIGH:@SECLEVEL=12", "!", "ALL:@"})
    void refusesWhatOpenSslRefuses(String rules) throws Exception {
        assertTrue(openssl(rules).isEmpty(), "openssl refuses it too");
        assertThrows(IllegalArgumentException.class, () -> OpenSslCipherString.select(rules));
    }

    /** On a TLS-PSK listener: the PSK part of {@code openssl ciphers -psk -s -v}, same suites, same order. */
    @ParameterizedTest
    @ValueSource(strings = {
            "DEFAULT", "ALL", "HIGH", "PSK", "kPSK", "kECDHEPSK", "kDHEPSK", "aPSK", "PSK-AES128-GCM-SHA256",
            "ECDHE-PSK-CHACHA20-POLY1305", "DHE-PSK-AES256-GCM-SHA384", "PSK:!kDHEPSK", "PSK+AESGCM",
            "PSK:@STRENGTH", "PSK:!SHA256:!SHA384", "PSK:+kPSK", "ECDHE-PSK-CHACHA20-POLY1305:PSK-AES128-GCM-SHA256",
            "CHACHA20:AESGCM", "PSK:@SECLEVEL=3", "HIGH:!aNULL:!MD5", "kECDHE", "ECDHE", "aRSA",
            "ECDHE-RSA-AES128-GCM-SHA256", "AES128:AES256", "CBC", "TLSv1.2", "TLSv1", "PSK-AES256-CCM:PSK"})
    void selectsThePskSuitesOpenSslSelects(String rules) throws Exception {
        assertEquals(openssl(rules, "-psk", PSK), OpenSslCipherString.opensslPskNames(rules), rules);
    }

    @Test
    void namesTheWordsOpenSslIgnores() {
        OpenSslCipherString.Selection selection = OpenSslCipherString.select("NOSUCHWORD:HIGH:CAMELLIA:BOGUS+AES");
        assertEquals(List.of("NOSUCHWORD", "BOGUS"), selection.ignored());
    }

    @Test
    void securityLevelIsTheLastOneGiven() {
        assertEquals(OpenSslCipherString.DEFAULT_SECURITY_LEVEL, OpenSslCipherString.select("HIGH").securityLevel());
        assertEquals(1, OpenSslCipherString.select("@SECLEVEL=3:HIGH:@SECLEVEL=1").securityLevel());
    }

    /** The TLS 1.2 suites {@code openssl ciphers -s -v} lists that the JDK has too; empty if it refuses the string. */
    private static List<String> openssl(String rules) throws IOException, InterruptedException {
        return openssl(rules, "-s", BOTH);
    }

    private static List<String> openssl(String rules, String option, Set<String> known)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder("openssl", "ciphers", "-s", option, "-v", "--", rules)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        List<String> names = new ArrayList<>();
        if (process.exitValue() != 0) {
            return names;
        }
        for (String line : output.split("\n")) {
            String[] columns = line.trim().split("\\s+");
            if (columns.length > 1 && !columns[1].equals("TLSv1.3") && known.contains(columns[0])) {
                names.add(columns[0]);
            }
        }
        return names;
    }
}
