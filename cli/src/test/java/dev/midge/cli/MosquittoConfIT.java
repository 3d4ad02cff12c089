package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import dev.midge.testing.IssuedCertificate;
import dev.midge.testing.MosquittoClients;
import dev.midge.testing.Ports;
import dev.midge.testing.ProcessResult;
import dev.midge.testing.RunningSubscriber;
import dev.midge.testing.TestPki;
import dev.midge.testing.TlsProviderUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** An existing mosquitto deployment moves over by changing only the command. */
class MosquittoConfIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void theTlsDeploymentConfWorksUnchanged() throws Exception {
        TestPki pki = TestPki.create(work.resolve("pki"));
        IssuedCertificate server = pki.server();
        IssuedCertificate dev1 = pki.device("dev1");
        IssuedCertificate agent = pki.device("iotagent");
        pki.writeCrl();
        Path acl = Files.writeString(work.resolve("access.acl"), """
                user dev1
                topic write /t1/dev1/attrs
                topic read /t1/dev1/config

                user iotagent
                topic read /#
                """);
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("mosquitto.conf"), """
                port %d
                cafile %s
                certfile %s
                keyfile %s
                tls_version tlsv1.2
                require_certificate true
                use_identity_as_username true
                acl_file %s
                crlfile %s
                """.formatted(port, pki.caFile(), server.chainFile(), server.keyFile(), acl, pki.crlFile()));

        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            TlsProviderUnderTest.awaitInUse(broker, WAIT);
            try (RunningSubscriber reader = MosquittoClients.subscribe(tls(port, pki, agent), "-t", "/#", "-v")) {
                assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);

                ProcessResult ok = MosquittoClients.publish(tls(port, pki, dev1), "-t", "/t1/dev1/attrs", "-m", "21.5");
                assertEquals(0, ok.exitCode(), ok::toString);
                assertEquals("/t1/dev1/attrs 21.5", reader.awaitLine(WAIT));
                broker.awaitLine("New client connected .* u'dev1'", WAIT);

                // Not in dev1's ACL: acknowledged (3.1.1) but never delivered.
                MosquittoClients.publish(tls(port, pki, dev1), "-t", "/t1/other/attrs", "-m", "x");
                ProcessResult marker = MosquittoClients.publish(tls(port, pki, dev1), "-t", "/t1/dev1/attrs", "-m", "marker");
                assertEquals(0, marker.exitCode(), marker::toString);
                assertEquals("/t1/dev1/attrs marker", reader.awaitLine(WAIT));
            }
        }
    }

    @Test
    void plainListenerTalksToMosquittoClients() throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("plain.conf"), """
                listener %d 127.0.0.1
                allow_anonymous true
                """.formatted(port));
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port), "-t", "#", "-v")) {
                assertNotNull(sub.awaitSubscribed(WAIT), sub::stderr);
                ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(port), "-t", "a", "-m", "b");
                assertEquals(0, pub.exitCode(), pub::toString);
                assertEquals("a b", sub.awaitLine(WAIT));
            }
        }
    }

    @Test
    void midgeMaxTopicLevelsDisconnectsAPublisherOfADeeperTopic() throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("levels.conf"), """
                listener %d 127.0.0.1
                allow_anonymous true
                midge_max_topic_levels 3
                """.formatted(port));
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            try (RunningSubscriber sub = MosquittoClients.subscribe(MosquittoClients.options(port), "-t", "#", "-v")) {
                assertNotNull(sub.awaitSubscribed(WAIT), sub::stderr);
                MosquittoClients.publish(MosquittoClients.options(port), "-t", "a/b/c/d", "-m", "deep");
                broker.awaitLine("topic name of 4 levels is over the limit of 3", WAIT);
                ProcessResult marker = MosquittoClients.publish(MosquittoClients.options(port), "-t", "a/b/c", "-m", "marker");
                assertEquals(0, marker.exitCode(), marker::toString);
                assertEquals("a/b/c marker", sub.awaitLine(WAIT), "the deeper topic never arrived");
            }
        }
    }

    @Test
    void anEmptyConfIsLocalOnlyModeOn1883LikeMosquitto() throws Exception {
        assumeTrue(portIsFree(1883), "port 1883 is in use on this machine");
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", "/dev/null")) {
            broker.awaitLine("Midge .* running", WAIT);
            broker.awaitLine("local only mode", WAIT);
            // The README's words exactly: no -h, no -p.
            try (RunningSubscriber sub = MosquittoClients.subscribe("-t", "#", "-v")) {
                assertNotNull(sub.awaitSubscribed(WAIT), sub::stderr);
                ProcessResult pub = MosquittoClients.publish("-t", "a", "-m", "b");
                assertEquals(0, pub.exitCode(), pub::toString);
                assertEquals("a b", sub.awaitLine(WAIT));
            }
        }
    }

    private static boolean portIsFree(int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Test
    void sighupReloadsTheAclAndPasswordFileLikeMosquitto() throws Exception {
        int port = Ports.freePort();
        Path acl = Files.writeString(work.resolve("access.acl"), "user alice\ntopic readwrite a/#\n");
        Path passwords = work.resolve("passwd");
        ProcessResult made = MosquittoClients.passwd("-c", "-b", passwords.toString(), "alice", "secret");
        assertEquals(0, made.exitCode(), made::toString);
        Path conf = Files.writeString(work.resolve("hup.conf"), """
                listener %d 127.0.0.1
                acl_file %s
                password_file %s
                """.formatted(port, acl, passwords));
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(broker.pid())).start();
            assertEquals(0, kill.waitFor());
            broker.awaitLine("Received SIGHUP", WAIT);
            broker.awaitLine("Reloaded ACL from .*access.acl", WAIT);
            broker.awaitLine("Reloaded .*passwd", WAIT);
            ProcessResult pub = MosquittoClients.publish(MosquittoClients.options(port).user("alice", "secret"),
                    "-t", "a/b", "-m", "still up");
            assertEquals(0, pub.exitCode(), pub::toString);
        }
    }

    @Test
    void aBadValueStopsStartupWithFileLineAndExitCode3() throws Exception {
        Path conf = Files.writeString(work.resolve("bad.conf"), "listener 1883\nmax_connections lots\n");
        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("bad.conf:2:"), result.output());
        assertFalse(result.output().contains("\tat "), "no stack trace:\n" + result.output());
    }

    @Test
    void aPskListenerServesTheMosquittoClientsWithTheIdentityAsUsername() throws Exception {
        int port = Ports.freePort();
        String key = "00112233445566778899aabbccddeeff";
        Path psk = Files.writeString(work.resolve("psk"), "dev1:" + key + "\nmon:" + key + "ff\n");
        Path acl = Files.writeString(work.resolve("acl"), "user mon\ntopic read #\nuser dev1\ntopic write sensors/dev1\n");
        Path conf = Files.writeString(work.resolve("psk.conf"), """
                psk_file %s
                acl_file %s
                listener %d 127.0.0.1
                psk_hint midge
                use_identity_as_username true
                """.formatted(psk, acl, port));
        try (BrokerProcess broker = BrokerProcess.start(work, "-c", conf.toString())) {
            broker.awaitLine("Midge .* running", WAIT);
            MosquittoClients.Options mon = MosquittoClients.options(port).psk("mon", key + "ff");
            try (RunningSubscriber reader = MosquittoClients.subscribe(mon, "-t", "#", "-v")) {
                assertNotNull(reader.awaitSubscribed(WAIT), reader::stderr);

                ProcessResult ok = MosquittoClients.publish(MosquittoClients.options(port).psk("dev1", key)
                        .tlsVersion("tlsv1.2").qos(1), "-t", "sensors/dev1", "-m", "21.5");
                assertEquals(0, ok.exitCode(), ok::toString);
                assertEquals("sensors/dev1 21.5", reader.awaitLine(WAIT));
                broker.awaitLine("New client connected .* u'dev1'", WAIT);

                ProcessResult wrong = MosquittoClients.publish(MosquittoClients.options(port).psk("dev1", "ff" + key),
                        "-t", "sensors/dev1", "-m", "x");
                assertNotEquals(0, wrong.exitCode(), wrong::toString);
                broker.awaitLine("TLS-PSK handshake from 127.0.0.1:[0-9]+ refused: bad PSK for identity dev1", WAIT);
            }
        }
    }

    @Test
    void aUserOptionRefusesToStartUnderRootBecauseAJvmCannotDropPrivileges() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root would be left running as root");
        Path conf = Files.writeString(work.resolve("user.conf"), """
                listener %d
                allow_anonymous true
                user mosquitto
                """.formatted(Ports.freePort()));
        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());
        assertEquals(3, result.exitCode(), result.output());
        assertTrue(result.output().contains("user.conf:3: user mosquitto cannot be honoured: a JVM cannot drop "
                + "privileges, so Midge would keep running as root"), result.output());
    }

    @Test
    void aMissingCertificateFileStopsStartupNamingTheFile() throws Exception {
        int port = Ports.freePort();
        Path conf = Files.writeString(work.resolve("tls.conf"), """
                listener %d
                certfile %s
                keyfile %s
                """.formatted(port, work.resolve("nope.crt"), work.resolve("nope.key")));
        BrokerProcess.Result result = BrokerProcess.run(work, "-c", conf.toString());
        assertNotEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("nope."), result.output());
        assertFalse(result.output().contains("\tat "), "no stack trace:\n" + result.output());
    }

    private static MosquittoClients.Options tls(int port, TestPki pki, IssuedCertificate device) {
        return MosquittoClients.options(port).add("-h", "localhost").cafile(pki.caFile())
                .cert(device.certFile(), device.keyFile());
    }
}
