package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.bpa4j.Bpa;
import org.junit.jupiter.api.Test;

/**
 * Honest dispatch (README, "From Java"): a JVM that cannot run the CPU backend although its JAR is there says so
 * at WARNING, under the logger {@code org.bpa4j.cpu}, with the one flag that fixes it, and AUTO falls back.
 */
class AutoFallbackWarningTest {
    /** Prints the backend AUTO picks for BPA; started by the tests below in a JVM of its own. */
    public static final class AutoChoice {
        public static void main(String[] args) {
            System.out.println("auto=" + Bpa.builder().build().backend().label());
        }
    }

    private static String run(String... flags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(flags));
        // logger name | level | message, one line per record
        command.add("-Djava.util.logging.SimpleFormatter.format=%3$s|%4$s|%5$s%n");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(AutoChoice.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the forked JVM ends");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), text);
        return text;
    }

    @Test
    void withoutTheVectorModuleAutoWarnsWithTheFlagAndFallsBack() throws Exception {
        String out = run();
        assertTrue(out.contains("auto=reference"), out);
        assertTrue(out.contains("org.bpa4j.cpu|WARNING|bpa4j: the cpu backend is unavailable ("
                + "jdk.incubator.vector is not readable: start the JVM with --add-modules jdk.incubator.vector)"), out);
        assertTrue(out.contains("org.bpa4j|INFO|bpa4j: AUTO uses the reference backend"), out);
    }

    @Test
    void withoutC2AutoWarnsWithTheFlagToRemove() throws Exception {
        String out = run("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1");
        assertTrue(out.contains("auto=reference"), out);
        assertTrue(out.contains("org.bpa4j.cpu|WARNING|bpa4j: the cpu backend is unavailable (C2 is off "
                + "(-XX:TieredStopAtLevel=1), and the Vector API needs it: remove -XX:TieredStopAtLevel)"), out);
    }

    @Test
    void withTheModuleAndC2NothingIsWarned() throws Exception {
        String out = run("--add-modules", "jdk.incubator.vector");
        assertTrue(out.contains("auto=cpu"), out);
        assertFalse(out.contains("|WARNING|"), out);
    }

    @Test
    void theCompilerDecisionFromTheHotSpotOptions() {
        assertEquals(Optional.empty(), CompilerCheck.missingC2("true", "true", "4"));
        assertEquals(Optional.empty(), CompilerCheck.missingC2("true", "false", "1"));   // C2 only
        assertEquals(Optional.empty(), CompilerCheck.missingC2(null, null, null));       // not HotSpot
        assertTrue(CompilerCheck.missingC2("false", "true", "4").orElseThrow().contains("remove -Xint"));
        assertTrue(CompilerCheck.missingC2("true", "true", "3").orElseThrow().contains("-XX:TieredStopAtLevel=3"));
        assertEquals(Optional.empty(), CompilerCheck.missingC2(), "the test JVM runs C2");
    }
}
