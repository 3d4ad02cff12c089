package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What shading did to files several jars carry under one name: merged, not one kept at random
 * (which is what shade's "overlapping resources" warning was about).
 */
class BrokerJarIT {

    @Test
    void licenceTextsAndNettyVersionsOfEveryJarAreKeptAndNoStrayManifestOrMavenMetadata() throws Exception {
        try (JarFile jar = new JarFile(BrokerProcess.jar().toFile())) {
            String licence = text(jar, "META-INF/LICENSE.txt");
            assertTrue(licence.contains("QOS.ch") && licence.contains("Apache License"), "slf4j's and commons-codec's");
            String versions = text(jar, "META-INF/io.netty.versions.properties");
            assertTrue(versions.contains("netty-codec-mqtt") && versions.contains("netty-handler"), versions);
            assertEquals(0, jar.stream().filter(e -> e.getName().startsWith("META-INF/maven/")).count());
            assertEquals(null, jar.getEntry("META-INF/versions/9/OSGI-INF/MANIFEST.MF"));
            assertEquals("dev.midge.cli.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    private static String text(JarFile jar, String name) throws Exception {
        ZipEntry entry = jar.getEntry(name);
        assertNotNull(entry, name);
        return new String(jar.getInputStream(entry).readAllBytes(), StandardCharsets.UTF_8);
    }
}
