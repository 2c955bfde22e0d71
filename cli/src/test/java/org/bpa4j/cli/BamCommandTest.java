package org.bpa4j.cli;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpa4j.Tensor;
import org.bpa4j.testing.BamCases;
import org.bpa4j.io.Npy;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code bpa4j bam}: the golden cases through the command line, and its refusals. */
class BamCommandTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {
    }

    static Run bpa4j(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static List<GoldenCase> cases() {
        return BamCases.golden();
    }

    /** The command line of a golden case, with its inputs copied to files. */
    private List<String> commandFor(GoldenCase c) throws IOException {
        Path z = dir.resolve("z.npy");
        Npy.write(z, c.tensor("z"));
        List<String> args = new ArrayList<>(List.of("bam", "--input", z.toString(),
                "--large-crops", c.get("largeCrops"), "--local-crops", c.get("localCrops"),
                "--target-crops", c.get("targetCrops"), "--temperature", c.get("temperature"),
                "--reg", c.get("reg"), "--iterations", c.get("iterations"), "--top-k", c.get("topK"),
                "--grad-output", dir.resolve("dz.npy").toString()));
        if (!c.getBoolean("positiveMasking")) {
            args.add("--no-positive-masking");
        }
        if (BamCases.distill(c)) {
            Path zt = dir.resolve("zt.npy");
            Npy.write(zt, c.tensor("zt"));
            args.addAll(List.of("--teacher", zt.toString(), "--teacher-grad-output", dir.resolve("dzt.npy").toString()));
        }
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenOnTheReferenceBackend(GoldenCase c) throws IOException {
        List<String> args = commandFor(c);
        args.addAll(List.of("--backend", "reference", "--precision", "float64"));
        Run run = bpa4j(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        String line = run.out().strip();
        assertTrue(line.startsWith("loss="), line);
        double expected = c.getDouble("loss");
        assertEquals(expected, Double.parseDouble(line.substring(5)), 1e-9 * Math.abs(expected));
        assertClose(c.tensor("dz"), Npy.read(dir.resolve("dz.npy")).toTensor(), 1e-9, c + " dz");
        if (BamCases.distill(c)) {
            assertClose(c.tensor("dzt"), Npy.read(dir.resolve("dzt.npy")).toTensor(), 1e-9, c + " dzt");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void goldenOnTheCpuBackendInFloat32(GoldenCase c) throws IOException {
        List<String> args = commandFor(c);
        args.addAll(List.of("--backend", "cpu", "--precision", "float32"));
        Run run = bpa4j(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        double expected = c.getDouble("loss");
        assertEquals(expected, Double.parseDouble(run.out().strip().substring(5)), 5e-4 * Math.abs(expected));
        Tensor dz = Npy.read(dir.resolve("dz.npy")).toTensor();
        assertEquals(org.bpa4j.DType.FLOAT32, dz.dtype());
        assertClose(c.tensor("dz"), dz, 5e-4, c + " dz");
        if (BamCases.distill(c)) {
            assertClose(c.tensor("dzt"), Npy.read(dir.resolve("dzt.npy")).toTensor(), 5e-4, c + " dzt");
        }
    }

    @Test
    void viewsThatDoNotDivideTheRowsExitWithTwoAndLeaveTheOutputAlone() throws IOException {
        Path z = dir.resolve("z.npy");
        Npy.write(z, Tensor.of(new double[10 * 3], 10, 3));
        Path dz = dir.resolve("dz.npy");
        Files.writeString(dz, "previous");
        Run run = bpa4j("bam", "--input", z.toString(), "--large-crops", "2", "--local-crops", "1",
                "--grad-output", dz.toString(), "--backend", "reference");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("do not divide"), run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertEquals("previous", Files.readString(dz));
    }

    @Test
    void badOptionsExitWithTwo() throws IOException {
        Path z = dir.resolve("z.npy");
        Npy.write(z, Tensor.of(new double[8 * 3], 8, 3));
        String in = z.toString();
        assertRefused(bpa4j("bam", "--input", in, "--large-crops", "2", "--local-crops", "0", "--target-crops", "3"),
                "targetCrops = 3");
        assertRefused(bpa4j("bam", "--input", in, "--large-crops", "2", "--local-crops", "0", "--top-k", "9"),
                "topK = 9");
        assertRefused(bpa4j("bam", "--input", in, "--large-crops", "2", "--local-crops", "0", "--reg", "0"), "reg");
        assertRefused(bpa4j("bam", "--input", in, "--large-crops", "2", "--local-crops", "0",
                "--teacher-grad-output", dir.resolve("dzt.npy").toString()), "--teacher");
        assertRefused(bpa4j("bam", "--input", dir.resolve("missing.npy").toString(), "--large-crops", "2",
                "--local-crops", "0"), "missing.npy");
        assertRefused(bpa4j("bam", "--input", in, "--local-crops", "0"), "--large-crops");
        Path t = dir.resolve("t.npy");
        Npy.write(t, Tensor.of(new double[8 * 4], 8, 4));
        assertRefused(bpa4j("bam", "--input", in, "--teacher", t.toString(), "--large-crops", "2", "--local-crops",
                "0"), "(8, 3)");
        double[] nan = new double[8 * 3];
        nan[7] = Double.NaN;
        Npy.write(z, Tensor.of(nan, 8, 3));
        assertRefused(bpa4j("bam", "--input", in, "--large-crops", "2", "--local-crops", "0"), "row 2 column 1");
    }

    private static void assertRefused(Run run, String fragment) {
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains(fragment), "stderr '" + run.err() + "' should mention '" + fragment + "'");
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertFalse(run.out().contains("loss="), run.out());
    }
}
