package org.bpa4j.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.bpa4j.cli.Main;

/**
 * How one run of {@code bpa4j} ended: its exit code and what it printed. Runs in this JVM through
 * {@link Main#run}, or as a process started the way {@code bin/bpa4j} starts one.
 */
record CliOutcome(int code, String out, String err) {

    static CliOutcome inProcess(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new CliOutcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /**
     * A fresh JVM with bin/bpa4j's flags, the test class path instead of the shaded JAR (built after the
     * tests), and bin/bpa4j's one filter: the JVM's notice about the incubator module is dropped from stderr.
     */
    static CliOutcome process(List<String> jvmFlags, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmFlags);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).start();
            p.getOutputStream().close();
            // stderr is small; read it on a thread so that a full stdout pipe cannot block the process
            ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
            Thread errReader = Thread.ofVirtual().start(() -> {
                try {
                    p.getErrorStream().transferTo(errBytes);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("bpa4j did not finish: " + command);
            }
            errReader.join();
            String err = errBytes.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.equals("WARNING: Using incubator modules: jdk.incubator.vector"))
                    .reduce("", (a, b) -> a + b + "\n");
            return new CliOutcome(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new AssertionError("could not start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Exit code 0 and nothing on stderr. */
    CliOutcome assertOk() {
        assertEquals(0, code, "exit code; stderr: " + err);
        assertEquals("", err, "stderr");
        return this;
    }

    /**
     * Exit code 2, exactly one line on stderr, no stack trace, and every word (case aside) in that line.
     */
    CliOutcome assertRefused(String... words) {
        assertEquals(2, code, "exit code; stdout: " + out + "; stderr: " + err);
        assertEquals(1, err.strip().lines().count(), "one line on stderr, got: " + err);
        assertTrue(!err.contains("\tat ") && !err.contains("Exception"), "no stack trace or exception name: " + err);
        String lower = err.toLowerCase(Locale.ROOT);
        for (String w : words) {
            assertTrue(lower.contains(w.toLowerCase(Locale.ROOT)), "'" + w + "' missing from: " + err.strip());
        }
        return this;
    }
}
