package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** One in-process run of the command line: its exit code and what it printed. */
record CliRun(int code, String out, String err) {
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CliRun(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exit code 0, nothing on stderr. */
    CliRun assertOk() {
        assertEquals(0, code, "exit code; stderr: " + err);
        assertEquals("", err, "stderr");
        return this;
    }

    /** Exit code 2 and exactly one line on stderr that mentions {@code fragment}. */
    CliRun assertRefused(String fragment) {
        assertEquals(2, code, "exit code; stdout: " + out + "; stderr: " + err);
        assertEquals(1, err.strip().lines().count(), "one line on stderr, got: " + err);
        assertTrue(err.contains(fragment), "stderr '" + err.strip() + "' should mention '" + fragment + "'");
        assertTrue(!err.contains("\tat "), "no stack trace: " + err);
        return this;
    }

    /** Nothing on stdout. */
    CliRun assertNoOutput() {
        assertEquals("", out, "stdout");
        return this;
    }
}
