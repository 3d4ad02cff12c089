package dev.midge.testing;

/**
 * What a finished command left behind.
 *
 * @param exitCode the process's exit status
 * @param stdout   everything it wrote to standard output
 * @param stderr   everything it wrote to standard error
 */
public record ProcessResult(int exitCode, String stdout, String stderr) {

    public boolean succeeded() {
        return exitCode == 0;
    }

    /** For assertion messages: the whole story in one string. */
    @Override
    public String toString() {
        return "exit " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
