package dev.midge.cli.run;

import dev.midge.pki.SecureDefault;

import java.nio.file.Files;
import java.nio.file.Path;

/** What a newcomer reads on the secure default: the next two commands, exactly. */
public final class SecureDefaultBanner {

    private SecureDefaultBanner() {
    }

    public static void print(SecureDefault secureDefault, int port) {
        String jar = "java -jar " + jarPath();
        Path data = relative(secureDefault.dataDirectory());
        System.out.printf("""

                Midge is running with mutual TLS on port %1$d; its CA is in %2$s.
                Add a device (a key, a certificate and ACL entries, in ./certs):
                  %3$s device add dev1 --data %2$s --out certs
                Publish as that device:
                  mosquitto_pub -h localhost -p %1$d --cafile certs/ca.crt --cert certs/dev1.crt --key certs/dev1.key -t /admin/dev1/attrs -m hello

                """, port, data, jar);
        System.out.flush();
    }

    private static String jarPath() {
        try {
            Path jar = Path.of(SecureDefaultBanner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(jar)) {
                return relative(jar).toString();
            }
        } catch (Exception ignored) {
            // not run from a jar (tests): the generic name will do
        }
        return "broker.jar";
    }

    private static Path relative(Path path) {
        Path cwd = Path.of("").toAbsolutePath();
        Path absolute = path.toAbsolutePath().normalize();
        return absolute.startsWith(cwd) ? cwd.relativize(absolute) : absolute;
    }
}
