package dev.midge.cli.run;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.core.ConsoleAppender;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Logback's first configuration in code: what logback.xml said, and a user's own file still wins. */
class StartupLoggingTest {

    @Test
    void linesGoToStderrAtInfoWithNettyAtWarn() {
        LoggerContext context = new LoggerContext();

        assertEquals(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY, new StartupLogging().configure(context));

        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        assertEquals(Level.INFO, root.getLevel());
        assertEquals(Level.WARN, context.getLogger("io.netty").getLevel());
        ConsoleAppender<?> stderr = assertInstanceOf(ConsoleAppender.class, root.getAppender("STDERR"));
        assertEquals("System.err", stderr.getTarget());
        assertEquals(StartupLogging.PATTERN, assertInstanceOf(PatternLayoutEncoder.class, stderr.getEncoder()).getPattern());
    }

    @Test
    void aConfigurationFileTheUserNamesIsLeftToLogback() {
        LoggerContext context = new LoggerContext();
        System.setProperty("logback.configurationFile", "/etc/midge/logback.xml");
        try {
            assertEquals(ExecutionStatus.INVOKE_NEXT_IF_ANY, new StartupLogging().configure(context));
        } finally {
            System.clearProperty("logback.configurationFile");
        }
        assertNull(context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDERR"));
    }
}
