package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The entry point: subcommands, help, version, and how failures become exit codes. */
class MainTest {
    @Test
    void helpListsEveryCommand() {
        CliRun run = CliRun.of("--help").assertOk();
        for (String command : new String[] {"transform", "sinkhorn", "fewshot", "demo", "bench", "info"}) {
            assertTrue(run.out().contains(command), command + " in " + run.out());
        }
        CliRun.of("transform", "--help").assertOk();
    }

    @Test
    void versionNamesJava() {
        CliRun run = CliRun.of("--version").assertOk();
        assertTrue(run.out().contains("bpa4j") && run.out().contains("Java " + Runtime.version().feature()), run.out());
    }

    @Test
    void noCommandOrAnUnknownOneIsAUsageError() {
        CliRun.of().assertRefused("a command is needed");
        CliRun.of("frobnicate").assertRefused("frobnicate");
    }

    @Test
    void infoShowsJavaBackendsAndSimd() {
        CliRun run = CliRun.of("info").assertOk();
        assertTrue(run.out().contains("Java " + Runtime.version().feature()), run.out());
        assertTrue(run.out().contains("reference  available"), run.out());
        assertTrue(run.out().contains("cuda"), run.out());
        assertTrue(run.out().contains("cpu"), run.out());
        assertTrue(run.out().contains("SIMD: jdk.incubator.vector preferred species"), run.out());
        assertTrue(run.out().contains("AUTO uses: "), run.out());
    }

    @Test
    void internalErrorsAreExitCodeOneOnOneLine() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        int code = ErrorReport.executionError(new IllegalStateException("a bug\nspanning lines"), cl, null);
        assertEquals(1, code);
        assertEquals(1, err.toString().strip().lines().count(), err.toString());
        assertTrue(err.toString().contains("internal error: java.lang.IllegalStateException: a bug; spanning lines"));
    }

    @Test
    void fileProblemsAreBadInput() {
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(err, true));
        assertEquals(2, ErrorReport.executionError(new NoSuchFileException("x.npy"), cl, null));
        assertTrue(err.toString().contains("x.npy: no such file"), err.toString());
    }
}
