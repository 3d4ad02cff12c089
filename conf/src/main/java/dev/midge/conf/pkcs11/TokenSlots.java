package dev.midge.conf.pkcs11;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the slot holding a token by its label. The JDK's SunPKCS11 selects a token only by slot
 * id or slot list index, so the label (what RFC 7512 URIs and softhsm2-util use) is looked up
 * through the JDK's own PKCS#11 wrapper, which is not exported: {@code broker.jar} exports it in
 * its manifest ({@code Add-Exports}); an embedding application adds
 * {@code --add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED} or names
 * the slot with {@code slot-id=}. Reflection, because {@code --release 17} cannot compile
 * against a non-exported JDK package.
 */
final class TokenSlots {

    private static final String WRAPPER = "sun.security.pkcs11.wrapper.";
    /** CKF_OS_LOCKING_OK: the same initialisation SunPKCS11 asks for, so the shared module instance suits both. */
    private static final long OS_LOCKING_OK = 0x2L;

    private TokenSlots() {
    }

    static long slotOf(Path module, String tokenLabel) throws TokenException {
        try {
            Class<?> pkcs11 = Class.forName(WRAPPER + "PKCS11");
            Class<?> initArgsClass = Class.forName(WRAPPER + "CK_C_INITIALIZE_ARGS");
            Object initArgs = initArgsClass.getConstructor().newInstance();
            initArgsClass.getField("flags").setLong(initArgs, OS_LOCKING_OK);
            Object module11 = pkcs11.getMethod("getInstance", String.class, String.class, initArgsClass, boolean.class)
                    .invoke(null, module.toString(), "C_GetFunctionList", initArgs, false);
            long[] slots = (long[]) pkcs11.getMethod("C_GetSlotList", boolean.class).invoke(module11, true);
            Method tokenInfo = pkcs11.getMethod("C_GetTokenInfo", long.class);
            List<String> seen = new ArrayList<>();
            for (long slot : slots) {
                Object info = tokenInfo.invoke(module11, slot);
                String label = new String((char[]) info.getClass().getField("label").get(info)).strip();
                if (label.equals(tokenLabel)) {
                    return slot;
                }
                seen.add(label);
            }
            throw new TokenException("no token labelled '" + tokenLabel + "' in " + module
                    + (seen.isEmpty() ? " (it shows no token)" : " (it has " + String.join(", ", seen) + ")"));
        } catch (IllegalAccessException e) {
            throw new TokenException("finding a token by its label needs the JDK's PKCS#11 wrapper: run with "
                    + "--add-exports jdk.crypto.cryptoki/sun.security.pkcs11.wrapper=ALL-UNNAMED (broker.jar has it), "
                    + "or name the slot with slot-id=N in the PKCS#11 URI");
        } catch (InvocationTargetException e) {
            throw new TokenException("cannot list the tokens of " + module + ": " + e.getCause().getMessage());
        } catch (ReflectiveOperationException e) {
            throw new TokenException("this JDK has no PKCS#11 support (jdk.crypto.cryptoki): " + e);
        }
    }
}
