package dev.midge.conf.pkcs11;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class Pkcs11UriTest {

    @Test
    void slotIdAndPinValueArePercentDecoded() {
        Pkcs11Uri uri = Pkcs11Uri.parse("pkcs11:slot-id=1234;object=issuing%20ca;type=private"
                + "?module-path=/opt/hsm/lib%2Bp11.so&pin-value=12%2534");

        assertEquals(new Pkcs11Uri(null, 1234L, "issuing ca", Path.of("/opt/hsm/lib+p11.so"), "12%34", null), uri);
        assertFalse(uri.toString().contains("12%34"), "the PIN is not logged: " + uri);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "pkcs11:token=t?module-path=/m.so|the PKCS#11 URI has no object=LABEL naming the key",
            "pkcs11:object=k?module-path=/m.so|the PKCS#11 URI names no token: add token=LABEL or slot-id=N",
            "pkcs11:token=t;object=k|the PKCS#11 URI has no module-path: Java cannot find",
            "pkcs11:token=t;object=k;type=cert?module-path=/m.so|the PKCS#11 URI names type=cert",
            "pkcs11:token=t;object=k;serial=42?module-path=/m.so|the PKCS#11 URI attribute 'serial' is not supported",
            "pkcs11:token=t;object=k?module-path=/m.so&pin-value=1&pin-source=/p|the PKCS#11 URI gives both",
            "pkcs11:token=t;object=%4?module-path=/m.so|'%4' in the PKCS#11 URI has a broken %-escape",
            "/etc/server.key|'/etc/server.key' is not a PKCS#11 URI"})
    void whatCannotBeHonouredIsRefusedInWords(String text, String reasonStart) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Pkcs11Uri.parse(text));

        assertEquals(reasonStart, e.getMessage().substring(0, Math.min(e.getMessage().length(), reasonStart.length())),
                e.getMessage());
    }
}
