package dev.midge.tls;

import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.security.Provider;
import java.security.Security;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The TLS delegates' BouncyCastle is one provider instance (each holds 1–3 MiB of heap for the broker's life). */
class BouncyCastleInstanceTest {

    @Test
    void ecdsaAndXdhDelegateToOneBouncyCastleInstance() throws Exception {
        BouncyCastleEcdsa.install();
        BouncyCastleX25519.install();

        Provider ecdsas = delegateOf(Security.getProvider(BouncyCastleEcdsa.PROVIDER_NAME).getService("Signature", "SHA256withECDSA"));
        Provider xdhs = delegateOf(Security.getProvider(BouncyCastleX25519.PROVIDER_NAME).getService("KeyAgreement", "XDH"));

        assertNotNull(ecdsas);
        assertSame(ecdsas, xdhs);
    }

    /** The BouncyCastle provider a service of ours hands its work to (its private field, read as a heap dump would). */
    private static Provider delegateOf(Provider.Service service) throws ReflectiveOperationException {
        Field field = service.getClass().getDeclaredField("bouncyCastle");
        field.setAccessible(true);
        return (Provider) field.get(service);
    }
}
