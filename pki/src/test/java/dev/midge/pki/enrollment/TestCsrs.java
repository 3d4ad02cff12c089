package dev.midge.pki.enrollment;

import dev.midge.testing.OpenSsl;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** PKCS#10 requests made by the real {@code openssl req}, as a device would make them. */
final class TestCsrs {

    private TestCsrs() {
    }

    /** A DER request for CN={@code cn} with a new P-256 key; {@code extra} e.g. "-addext", "subjectAltName=...". */
    static byte[] der(Path dir, String cn, String... extra) throws Exception {
        Path key = dir.resolve(cn + ".key");
        Path der = dir.resolve(cn + ".csr.der");
        List<String> args = new ArrayList<>(List.of("req", "-new", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-subj", "/CN=" + cn,
                "-outform", "DER", "-out", der.toString()));
        args.addAll(List.of(extra));
        OpenSsl.Result req = OpenSsl.run(args.toArray(String[]::new));
        assertEquals(0, req.exitCode(), req.output());
        return Files.readAllBytes(der);
    }
}
