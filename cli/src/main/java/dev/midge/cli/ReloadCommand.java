package dev.midge.cli;

import dev.midge.cli.run.ReloadRequest;
import dev.midge.conf.ConfigException;
import dev.midge.conf.MosquittoConf;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code reload}: asks a running broker to re-read everything, as SIGHUP does, without a signal,
 * so it also works for a broker whose SIGHUP is ignored (started under nohup or a supervisor).
 */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = {"Make a running broker reload its ACL, password file, CRL and certificates now.",
                "Works where SIGHUP does not (a broker started under nohup or a supervisor that ignores SIGHUP):"
                        + " the broker is found through its pid file and answers within a second."})
public final class ReloadCommand implements Callable<Integer> {

    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @ArgGroup(multiplicity = "1")
    Where where;

    static final class Where {
        @Option(names = "--pid-file", paramLabel = "FILE", description = "the broker's pid file (run --pid-file, or pid_file)")
        Path pidFile;

        @Option(names = {"-c", "--config-file"}, paramLabel = "CONF", description = "the broker's mosquitto.conf, for its pid_file")
        Path configFile;
    }

    @Override
    public Integer call() throws InterruptedException {
        try {
            Path pidFile = pidFile();
            long pid = readPid(pidFile);
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == Boolean.FALSE) {
                return fail("no broker is running as pid " + pid + " (from " + pidFile + "): the pid file is stale");
            }
            Path request = ReloadRequest.fileFor(pidFile);
            Files.writeString(request, "reload requested by pid " + ProcessHandle.current().pid() + "\n");
            long deadline = System.nanoTime() + ANSWER_WITHIN.toNanos();
            while (Files.exists(request)) {
                if (System.nanoTime() > deadline) {
                    Files.deleteIfExists(request);
                    return fail("pid " + pid + " did not take the reload request " + request + " within "
                            + ANSWER_WITHIN.toSeconds() + " s: is it a Midge broker started with the pid file " + pidFile + "?");
                }
                Thread.sleep(50); // polling the broker's answer, which is the file going away
            }
            spec.commandLine().getOut().println("Broker pid " + pid + " is reloading (see its log).");
            return 0;
        } catch (IOException e) {
            return fail(IoErrors.describe(e));
        } catch (ConfigException e) {
            return fail(e.getMessage());
        }
    }

    private Path pidFile() throws IOException {
        if (where.pidFile != null) {
            return where.pidFile;
        }
        Path fromConf = MosquittoConf.parse(where.configFile).config().pidFile();
        if (fromConf == null) {
            throw new IOException(where.configFile + ": has no pid_file; give the broker one (or --pid-file) to reload it this way");
        }
        return fromConf;
    }

    private static long readPid(Path pidFile) throws IOException {
        String text = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IOException(pidFile + ": not a pid file (holds '" + text + "')");
        }
    }

    private int fail(String message) {
        spec.commandLine().getErr().println("error: " + message);
        return 1;
    }
}
