package org.bpa4j.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.bpa4j.cli.Main;
import org.bpa4j.io.Npy;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/launch.sh, the two steps of {@code bin/bpa4j} that must hold up under concurrent and interrupted use
 * (docs/RELIABILITY.md, "Hostile and careless use"), run by bash as the launcher runs them: the build lock with
 * a stand-in build of half a second (a real one takes minutes), and java's run with the command line itself
 * (this module's class path: the launcher's JAR is built after these tests).
 */
class LaunchScriptTest {
    private static final Path LAUNCH = Path.of("").toAbsolutePath().resolveSibling("bin").resolve("launch.sh");

    @TempDir
    Path dir;

    /** bash, sourcing launch.sh, then running the script (its arguments: $1...). */
    private static ProcessBuilder bash(String script, String... args) {
        assertTrue(Files.isRegularFile(LAUNCH), "no " + LAUNCH);
        List<String> command = new ArrayList<>();
        // SIGINT back at its default, should the build's JVM have started with it ignored (a background job)
        if (envResetsSignals()) {
            command.addAll(List.of("env", "--default-signal=INT,QUIT"));
        }
        command.addAll(List.of("bash", "-c", ". \"$0\"; " + script, LAUNCH.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private static boolean envResetsSignals() {
        try {
            Process p = new ProcessBuilder("env", "--default-signal=INT", "true").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean hasFlock() throws Exception {
        Process p = new ProcessBuilder("bash", "-c", "command -v flock").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /**
     * Two launches, started together (each waits for the other at a barrier, then asks for the build), whose
     * stand-in build notes when another build is running at the same time.
     */
    private List<String> twoLaunchesAtOnce(String needs, boolean locked) throws Exception {
        Path log = dir.resolve("log");
        String build = "build() { [ -e inside ] && echo overlap >> log; touch inside; echo start >> log; "
                + "sleep 0.5; rm -f inside; echo end >> log; touch built; }; ";
        String barrier = "touch ready.$$; for i in $(seq 1000); do [ $(ls ready.* | wc -l) -ge 2 ] && break; "
                + "sleep 0.01; done; ";
        String call = locked ? "bpa4j_build_once \"$PWD/lock\" needs build" : "needs && build";
        List<Process> launches = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            launches.add(bash("needs() { " + needs + "; }; " + build + barrier + call).directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out" + i).toFile()).start());
        }
        for (int i = 0; i < 2; i++) {
            Process p = launches.get(i);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "launch " + i + " ended");
            assertEquals(0, p.exitValue(), Files.readString(dir.resolve("out" + i)));
        }
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    @Test
    @Timeout(60)
    void twoBuildsAskedForAtOnceRunOneAfterTheOther() throws Exception {
        assumeTrue(hasFlock(), "flock is what serialises the builds; without it they are not");
        assertEquals(List.of("start", "end", "start", "end"), twoLaunchesAtOnce("true", true));
        // the stand-in does see two builds at once when nothing serialises them
        Files.deleteIfExists(dir.resolve("log"));
        try (Stream<Path> ready = Files.list(dir)) {
            for (Path p : ready.filter(f -> f.getFileName().toString().startsWith("ready.")).toList()) {
                Files.delete(p);
            }
        }
        assertTrue(twoLaunchesAtOnce("true", false).contains("overlap"), "the control run overlaps");
    }

    @Test
    @Timeout(60)
    void aLaunchThatWaitedForTheLockFindsTheBuildDone() throws Exception {
        assumeTrue(hasFlock(), "flock is what serialises the builds");
        assertEquals(List.of("start", "end"), twoLaunchesAtOnce("[ ! -e built ]", true), "one build, not two");
    }

    @Test
    @Timeout(120)
    void sigtermToTheLauncherReachesJavaWhoseHookTakesBackAHalfDoneCommit() throws Exception {
        stopTheLauncherWhileJavaWrites("TERM", 143);
    }

    @Test
    @Timeout(120)
    void sigintToTheLauncherReachesJavaWhoseHookTakesBackAHalfDoneCommit() throws Exception {
        assumeTrue(envResetsSignals(), "needs env --default-signal: a JVM that ignores SIGINT passes that on");
        stopTheLauncherWhileJavaWrites("INT", 130);
    }

    private static List<String> java(String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
                Main.class.getName()));
        command.addAll(List.of(args));
        return command;
    }

    /**
     * The signal goes to the launcher's shell alone (not its process group), as {@code kill PID} sends it, while
     * java is in the middle of committing its outputs: P.npy is written, and java waits, for as long as it takes,
     * to open the FIFO given for logP (a FIFO is written directly, after the regular files). Only java's
     * shutdown hook, run by the signal, ends that wait and takes P.npy back (docs/RELIABILITY.md, "Outputs").
     */
    private void stopTheLauncherWhileJavaWrites(String signal, int javaStatus) throws Exception {
        Path cost = dir.resolve("C.npy");
        Npy.write(cost, RandomTensors.gaussian(2, 50, 50));
        Path p = dir.resolve("P.npy");
        Path fifo = dir.resolve("logP.fifo");
        assumeTrue(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() == 0, "needs mkfifo");
        Path err = dir.resolve("err");
        String[] sinkhorn = java("sinkhorn", "--cost", cost.toString(), "--output", p.toString(), "--log-output",
                fifo.toString(), "--backend", "reference").toArray(String[]::new);
        Process launcher = bash("bpa4j_run \"$@\"; echo \"status $?\" >&2", sinkhorn)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && !Files.exists(p) && !hasTemp()) {
            assertTrue(launcher.isAlive(), "the launcher ended early: " + Files.readString(err));
            Thread.sleep(5);
        }
        ProcessHandle java = launcher.toHandle().descendants()
                .filter(h -> h.info().command().orElse("").endsWith("java")).findFirst().orElseThrow();
        Thread.sleep(200);
        assertTrue(java.isAlive() && launcher.isAlive(), "java waits for a reader of the FIFO");
        assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(launcher.pid())).start().waitFor());
        long sent = System.nanoTime();
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS), "the launcher ended after SIG" + signal);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
        java.onExit().get(10, TimeUnit.SECONDS);
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        // java's own status (128 + the signal), given back by the launcher once java had ended
        assertTrue(stderr.contains("status " + javaStatus), stderr);
        assertFalse(stderr.contains("WARNING: Using incubator modules"), "the JVM's notice is filtered: " + stderr);
        assertFalse(Files.exists(p), "P.npy, new, is taken back");
        assertFalse(hasTemp(), "no temporary file is left");
        assertTrue(millis < 20_000, "ended " + millis + " ms after the signal");
    }

    private boolean hasTemp() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    /** What the launcher's run keeps: stdin, stdout, java's exit status, the one-line error, closed stdout. */
    @Test
    @Timeout(120)
    void theRunKeepsStdinStdoutTheExitStatusAndTheOneLineError() throws Exception {
        Path x = dir.resolve("X.npy");
        Npy.write(x, RandomTensors.gaussian(3, 6, 3));
        Path z = dir.resolve("Z.npy");
        ProcessBuilder fromStdin = bash("bpa4j_run \"$@\" < \"$X\"", java("transform", "--input", "/dev/stdin",
                "--output", z.toString()).toArray(String[]::new));
        fromStdin.environment().put("X", x.toString());
        Process ok = fromStdin.start();
        ok.getOutputStream().close();
        String err = new String(ok.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), err);
        assertEquals("", err, "nothing on stderr: the JVM's notice is dropped");
        assertEquals(List.of(6, 6), java.util.Arrays.stream(Npy.read(z).toTensor().shape()).boxed().toList());

        Process refused = bash("bpa4j_run \"$@\"", java("transform", "--input", dir.resolve("none.npy").toString(),
                "--output", z.toString()).toArray(String[]::new)).start();
        String line = new String(refused.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, refused.exitValue(), line);
        assertEquals(1, line.strip().lines().count(), line);
        assertTrue(line.contains("none.npy"), line);

        // stdout closed: java reports itself that its results cannot be written
        Path embeddings = dir.resolve("E.npy");
        Npy.write(embeddings, RandomTensors.gaussian(3, 8, 4).to(org.bpa4j.DType.FLOAT32));
        Process closed = bash("exec >&-; bpa4j_run \"$@\"", java("bam", "--input", embeddings.toString(),
                "--large-crops", "2", "--local-crops", "0").toArray(String[]::new)).start();
        String message = new String(closed.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(closed.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, closed.exitValue(), message);
        assertTrue(message.contains("standard output") && !message.contains("unbound"), message);
    }
}
