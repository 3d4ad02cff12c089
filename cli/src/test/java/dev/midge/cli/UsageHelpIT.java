package dev.midge.cli;

import dev.midge.testing.BrokerProcess;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code --help} prints reads as whole sentences: broker.jar's {@code Main.execute} in this JVM
 * ({@link InProcessCommand}), without a JVM start per command, which was nearly all of this test's time.
 */
class UsageHelpIT {

    private static final List<String> COMMANDS = List.of("", "run", "device", "device add", "device revoke",
            "device remove", "device list", "cert", "cert list", "cert show", "cert renew", "crl", "crl export",
            "crl update", "ca", "ca show", "enroll", "reload");

    @Test
    void everyCommandsSummaryIsAWholeSentenceAndNoDescriptionLineBreaksOffMidSentence() throws Exception {
        List<String> problems = new ArrayList<>();
        for (String command : COMMANDS) {
            List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
            args.add("--help");
            BrokerProcess.Result help = InProcessCommand.run(args.toArray(String[]::new));
            assertEquals(0, help.exitCode(), help.output());
            List<String> lines = help.output().lines().toList();
            problems.addAll(summariesCutOff(command, lines));
            problems.addAll(descriptionBrokenMidSentence(command, lines));
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    /** The "Commands:" list shows each command's first description line: it must end a sentence. */
    private static List<String> summariesCutOff(String command, List<String> lines) {
        List<String> problems = new ArrayList<>();
        int start = lines.indexOf("Commands:");
        for (int i = start + 1; start >= 0 && i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.endsWith(".")) {
                problems.add("'" + command + " --help': summary cut off: " + line);
            }
        }
        return problems;
    }

    /**
     * Between the synopsis and the options, a line much shorter than the help is wide, followed
     * by one going on with the same sentence (lower case), was broken by hand, not by the width.
     */
    private static List<String> descriptionBrokenMidSentence(String command, List<String> lines) {
        List<String> problems = new ArrayList<>();
        int i = 0;
        while (i < lines.size() && (lines.get(i).startsWith("Usage:") || lines.get(i).startsWith(" "))) {
            i++;
        }
        for (; i + 1 < lines.size() && !lines.get(i + 1).startsWith(" ") && !lines.get(i + 1).equals("Commands:"); i++) {
            String line = lines.get(i);
            String next = lines.get(i + 1);
            if (line.length() < 60 && !next.isEmpty() && Character.isLowerCase(next.charAt(0))) {
                problems.add("'" + command + " --help': broken mid-sentence: '" + line + "' / '" + next + "'");
            }
        }
        return problems;
    }
}
