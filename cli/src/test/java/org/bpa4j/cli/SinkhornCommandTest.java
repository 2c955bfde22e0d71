package org.bpa4j.cli;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code bpa4j sinkhorn}: the golden log-plans, gradients and converged POT plans, and the refusals. */
class SinkhornCommandTest {
    private static final Pattern ITERATIONS = Pattern.compile("iterations: (\\d+)");
    private static final Pattern ERROR = Pattern.compile("marginal error: (\\S+)");

    @TempDir
    Path dir;

    static List<GoldenCase> sinkhornCases() {
        return GoldenCase.all("sinkhorn");
    }

    static List<GoldenCase> potCases() {
        return GoldenCase.all("pot");
    }

    private Path write(String name, Tensor t) throws IOException {
        Path p = dir.resolve(name + ".npy");
        Npy.write(p, t);
        return p;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sinkhornCases")
    void goldenLogPlanAndGradient(GoldenCase c) throws IOException {
        Path m = write("M", c.tensor("M"));
        Path g = write("G", c.tensor("G"));
        CliRun run = CliRun.of("sinkhorn", "--cost", m.toString(), "--reg", c.get("reg"), "--iterations",
                c.get("iterations"), "--output", dir.resolve("P.npy").toString(), "--log-output",
                dir.resolve("logP.npy").toString(), "--grad", g.toString(), "--grad-output",
                dir.resolve("dM.npy").toString(), "--backend", "reference", "--precision", "float64").assertOk();
        assertEquals(c.getInt("iterations"), number(ITERATIONS, run.out()), 0);
        Tensor logP = Npy.read(dir.resolve("logP.npy")).toTensor();
        assertClose(c.tensor("logP"), logP, 1e-9, c + " logP");
        assertClose(c.tensor("dM"), Npy.read(dir.resolve("dM.npy")).toTensor(), 1e-9, c + " dM");
        Tensor p = Npy.read(dir.resolve("P.npy")).toTensor();
        for (long i = 0; i < p.size(); i++) {
            assertEquals(Math.exp(logP.getDouble(i)), p.getDouble(i), 1e-15, "P = exp(logP) at " + i);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("potCases")
    void convergedPlanWithMarginalsMatchesPot(GoldenCase c) throws IOException {
        CliRun run = CliRun.of("sinkhorn", "--cost", write("M", c.tensor("M")).toString(),
                "--a", write("a", c.tensor("a")).toString(), "--b", write("b", c.tensor("b")).toString(),
                "--reg", c.get("reg"), "--tolerance", "1e-13", "--iterations", "100000",
                "--output", dir.resolve("P.npy").toString(), "--backend", "reference", "--precision", "float64")
                .assertOk();
        assertClose(c.tensor("P"), Npy.read(dir.resolve("P.npy")).toTensor(), 1e-9, c + " P");
        double iterations = number(ITERATIONS, run.out());
        assertTrue(iterations > 1 && iterations < 100000, run.out());
        assertTrue(number(ERROR, run.out()) <= 1e-13, run.out());
    }

    @Test
    void aToleranceStopsEarlyAndReportsTheError() throws IOException {
        Path m = write("M", Tensor.of(new double[] {0, 1, 2, 1, 0, 1, 2, 1, 0}, 3, 3));
        CliRun run = CliRun.of("sinkhorn", "--cost", m.toString(), "--reg", "0.5", "--tolerance", "1e-6",
                "--output", dir.resolve("P.npy").toString()).assertOk();
        double iterations = number(ITERATIONS, run.out());
        assertTrue(iterations >= 1 && iterations < SinkhornCommand.DEFAULT_CAP, run.out());
        assertTrue(number(ERROR, run.out()) <= 1e-6, run.out());
        assertEquals("float32", Npy.read(dir.resolve("P.npy")).dtypeName());
    }

    @Test
    void badInputIsOneLineExitTwoAndLeavesOutputsUntouched() throws IOException {
        Path m = write("M", Tensor.of(new double[] {0, 1, 1, 0}, 2, 2));
        Path p = dir.resolve("P.npy");
        Files.writeString(p, "previous");
        String cost = m.toString();
        String out = p.toString();
        Path wrong = write("G", Tensor.of(new double[6], 2, 3));
        CliRun.of("sinkhorn", "--cost", cost, "--output", out, "--grad", wrong.toString(), "--grad-output",
                dir.resolve("dM.npy").toString()).assertRefused("(2, 2)");
        CliRun.of("sinkhorn", "--cost", cost, "--output", out, "--a", cost).assertRefused("--b");
        Path a = write("a", Tensor.of(new double[] {1, 1}, 2));
        Path b = write("b", Tensor.of(new double[] {1, 2}, 2));
        CliRun.of("sinkhorn", "--cost", cost, "--output", out, "--a", a.toString(), "--b", b.toString())
                .assertRefused("same total");
        Path b3 = write("b3", Tensor.of(new double[] {1, 0.5, 0.5}, 3));
        CliRun.of("sinkhorn", "--cost", cost, "--output", out, "--a", a.toString(), "--b", b3.toString())
                .assertRefused("marginal b");
        CliRun.of("sinkhorn", "--cost", cost, "--output", out, "--tolerance", "-1").assertRefused("tolerance");
        CliRun.of("sinkhorn", "--cost", dir.resolve("none.npy").toString(), "--output", out)
                .assertRefused("none.npy");
        CliRun.of("sinkhorn", "--cost", cost).assertRefused("--output");
        assertEquals("previous", Files.readString(p));
    }

    private static double number(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.find(), "'" + pattern + "' in: " + text);
        return Double.parseDouble(m.group(1));
    }
}
