package dev.midge.broker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * What an embedder on the module path sees of broker-core: the packages module-info exports to
 * everyone, and nothing in them that speaks Netty or names an internal type.
 */
class EmbeddingApiTest {

    private static final Set<String> EMBEDDING_API = Set.of("dev.midge.broker", "dev.midge.broker.security",
            "dev.midge.broker.reload", "dev.midge.broker.metrics", "dev.midge.broker.cluster");

    /**
     * The deliberate exceptions: Midge's own modules hand a listener the Netty-facing seam, and
     * start bridges, whose options carry their Netty-facing transport (TLS, TLS-PSK).
     */
    private static final Set<String> FOR_MIDGE_MODULES = Set.of(
            "ListenerOptions.<init>", "ListenerOptions.security", "ListenerOptions.withSecurity",
            "MidgeBroker.startBridge", "MidgeBroker.bridges");

    @Test
    void moduleExportsTheEmbeddingApiToEveryoneAndInternalsOnlyToMidgeModules() throws Exception {
        ModuleDescriptor module = ModuleFinder.of(classes()).find("midge.core").orElseThrow().descriptor();
        Map<String, Set<String>> exports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : module.exports()) {
            exports.put(e.source(), new TreeSet<>(e.targets()));
        }
        assertEquals(Map.of(
                "dev.midge.broker", Set.of(),
                "dev.midge.broker.security", Set.of(),
                "dev.midge.broker.reload", Set.of(),
                "dev.midge.broker.metrics", Set.of(),
                "dev.midge.broker.cluster", Set.of(),
                "dev.midge.broker.listener", Set.of("midge.bench", "midge.cli", "midge.tls"),
                "dev.midge.broker.bridge", Set.of("midge.cli", "midge.tls"),
                "dev.midge.broker.subscription", Set.of("midge.bench", "midge.cluster")), exports);
    }

    @Test
    void embeddingApiNamesNoNettyAndNoInternalType() throws Exception {
        List<String> leaks = new ArrayList<>();
        for (Class<?> type : publicTypesOf(EMBEDDING_API)) {
            List<Executable> members = new ArrayList<>(List.of(type.getDeclaredConstructors()));
            members.addAll(List.of(type.getDeclaredMethods()));
            for (Executable member : members) {
                if (!Modifier.isPublic(member.getModifiers()) || member.isSynthetic()) {
                    continue;
                }
                String name = type.getSimpleName() + "." + (member instanceof Constructor<?> ? "<init>" : member.getName());
                List<Class<?>> used = new ArrayList<>(List.of(member.getParameterTypes()));
                if (member instanceof Method m) {
                    used.add(m.getReturnType());
                }
                for (Class<?> u : used) {
                    while (u.isArray()) {
                        u = u.getComponentType();
                    }
                    if (!u.isPrimitive() && !visibleToEmbedders(u) && !FOR_MIDGE_MODULES.contains(name)) {
                        leaks.add(name + " uses " + u.getName());
                    }
                }
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static boolean visibleToEmbedders(Class<?> type) {
        String pkg = type.getPackageName();
        return pkg.startsWith("java.") || pkg.startsWith("javax.") || EMBEDDING_API.contains(pkg);
    }

    private static List<Class<?>> publicTypesOf(Set<String> packages) throws IOException, ClassNotFoundException {
        List<Class<?>> types = new ArrayList<>();
        for (String pkg : packages) {
            try (Stream<Path> files = Files.list(classes().resolve(pkg.replace('.', '/')))) {
                for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                    String simple = file.getFileName().toString().replace(".class", "");
                    Class<?> type = Class.forName(pkg + "." + simple, false, EmbeddingApiTest.class.getClassLoader());
                    if (Modifier.isPublic(type.getModifiers())) {
                        types.add(type);
                    }
                }
            }
        }
        return types;
    }

    private static Path classes() {
        try {
            return Path.of(MidgeBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
