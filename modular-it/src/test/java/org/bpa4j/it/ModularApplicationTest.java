package org.bpa4j.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The built JARs as JPMS modules (README, "From Java"): the application module {@code org.bpa4j.it}, which requires
 * {@code org.bpa4j} only, is started with {@code java --module-path ... -m}, so that nothing is on the class path
 * and the backends can only come from the modules' {@code provides} clauses.
 */
class ModularApplicationTest {
    private static final String MAIN = "org.bpa4j.it/org.bpa4j.it.ModularBpa";

    private static List<String> dependencies() {
        String list = System.getProperty("bpa4j.it.dependencies");
        assertTrue(list != null && !list.isBlank(), "the build passes the dependencies' JARs (bpa4j.it.dependencies)");
        return Arrays.asList(list.split(File.pathSeparator));
    }

    private static String modulePath(List<String> jars) {
        List<String> path = new ArrayList<>(jars);
        path.add(System.getProperty("bpa4j.it.application"));
        return String.join(File.pathSeparator, path);
    }

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(Arrays.asList(arguments));
        Path out = Files.createTempFile("modular-it", ".out");
        Path err = Files.createTempFile("modular-it", ".err");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the application ends within 2 minutes");
            return new Outcome(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void theCpuBackendIsFoundOnTheModulePathWithTheApiAlone() throws Exception {
        List<String> apiAndCpu = dependencies().stream()
                .filter(jar -> {
                    String name = Path.of(jar).getFileName().toString();
                    return name.startsWith("bpa4j-api-") || name.startsWith("bpa4j-vector-cpu-")
                            || name.equals("classes");
                })
                .toList();
        assertEquals(2, apiAndCpu.size(), "the API and the CPU backend among " + dependencies());
        // no --add-modules: org.bpa4j.cpu is resolved because org.bpa4j uses the Backend service it provides,
        // and it brings jdk.incubator.vector with it
        Outcome o = run("--module-path", modulePath(apiAndCpu), "-m", MAIN);
        assertEquals(0, o.status(), () -> "exit status; stdout: " + o.out() + "; stderr: " + o.err());
        assertTrue(o.out().startsWith("auto=cpu module=org.bpa4j.cpu "), o.out());
    }

    @Test
    void thePlatformModuleResolvesWithEveryBackend() throws Exception {
        Outcome o = run("--module-path", modulePath(dependencies()), "--add-modules", "org.bpa4j.platform",
                "--enable-native-access=org.bpa4j.cuda,org.bytedeco.javacpp", "-m", MAIN);
        assertEquals(0, o.status(), () -> "exit status; stdout: " + o.out() + "; stderr: " + o.err());
        // CUDA where a GPU, its driver and the kernels are there, else the CPU backend
        assertTrue(o.out().startsWith("auto=cpu module=org.bpa4j.cpu ")
                || o.out().startsWith("auto=cuda module=org.bpa4j.cuda "), o.out());
    }
}
