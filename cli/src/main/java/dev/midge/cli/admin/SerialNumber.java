package dev.midge.cli.admin;

import java.math.BigInteger;
import java.util.HexFormat;

/**
 * A serial number as {@code openssl x509 -serial} prints it: upper-case hex, two digits per
 * byte, so a leading zero is kept ("0165A0BC07", not "165A0BC07"). Operators compare what the
 * CLI prints with what openssl prints, and grep one for the other.
 */
final class SerialNumber {

    private SerialNumber() {
    }

    static String format(BigInteger serial) {
        byte[] bytes = serial.toByteArray();
        // BigInteger adds a sign byte when the top bit is set; openssl prints the magnitude only.
        int from = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return HexFormat.of().withUpperCase().formatHex(bytes, from, bytes.length);
    }
}
