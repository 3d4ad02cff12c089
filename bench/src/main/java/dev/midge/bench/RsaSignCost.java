package dev.midge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.util.Random;

/**
 * CPU time of this thread per RSA-2048 signature, round after round, to tell steady state from
 * warm-up: the JDK's RSASSA-PSS (TLS 1.3's rsa_pss_rsae_sha256, the server's CertificateVerify),
 * its PKCS#1 v1.5 (TLS 1.2's), BouncyCastle's PSS, and the two 1024-bit CRT exponentiations
 * ({@code BigInteger.modPow}) that a signature is mostly made of. Run it again with
 * {@code -XX:+UnlockDiagnosticVMOptions -XX:-UseMontgomeryMultiplyIntrinsic -XX:-UseMontgomerySquareIntrinsic}
 * to see what the intrinsics give; {@code openssl speed rsa2048} is mosquitto's figure.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.midge.bench.RsaSignCost [rounds] [seconds per row]</pre>
 */
public final class RsaSignCost {

    private RsaSignCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 2;
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048, new SecureRandom());
        KeyPair pair = generator.generateKeyPair();
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) pair.getPrivate();
        Provider bc = new org.bouncycastle.jce.provider.BouncyCastleProvider();
        PSSParameterSpec pss = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
        byte[] content = new byte[130]; // a TLS 1.3 CertificateVerify signs 64 spaces, a context string and a hash
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ", µs per signature:");
            for (String row : new String[]{"jdk-pss", "jdk-pkcs1", "bc-pss", "crt-modpow"}) {
                Signature signature = switch (row) {
                    case "jdk-pss" -> {
                        Signature s = Signature.getInstance("RSASSA-PSS");
                        s.setParameter(pss);
                        yield s;
                    }
                    case "jdk-pkcs1" -> Signature.getInstance("SHA256withRSA");
                    case "bc-pss" -> {
                        Signature s = Signature.getInstance("RSASSA-PSS", bc);
                        s.setParameter(pss);
                        yield s;
                    }
                    default -> null;
                };
                long cpu = mx.getCurrentThreadCpuTime();
                long start = System.nanoTime();
                int operations = 0;
                while (System.nanoTime() - start < seconds * 1e9) {
                    if (signature == null) {
                        BigInteger message = new BigInteger(2040, new Random(operations));
                        message.modPow(key.getPrimeExponentP(), key.getPrimeP());
                        message.modPow(key.getPrimeExponentQ(), key.getPrimeQ());
                    } else {
                        signature.initSign(key);
                        signature.update(content);
                        signature.sign();
                    }
                    operations++;
                }
                line.append(String.format("  %s %.0f", row, (mx.getCurrentThreadCpuTime() - cpu) / 1e3 / operations));
            }
            System.out.println(line);
        }
    }
}
