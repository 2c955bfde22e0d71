package org.bpa4j.cli.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.bpa4j.Backends;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 1, through the command line: every bad input ends with exit code 2 and one line on stderr
 * that names the problem and where, no stack trace, and the outputs that existed before untouched (no
 * temporary file left either). Files NumPy 2.4 wrote are bpa4j-api's test resources
 * {@code org/bpa4j/reliability/npy}.
 */
class CliBadInputTest {
    private static final byte[] PREVIOUS = "previous output, must survive".getBytes(StandardCharsets.US_ASCII);

    /** Writes what a case needs into the folder and returns the command line. */
    interface Setup {
        String[] args(Path dir) throws IOException;
    }

    record Case(Setup setup, String... words) {
    }

    static byte[] numpyFile(String name) {
        try (InputStream in = CliBadInputTest.class.getResourceAsStream("/org/bpa4j/reliability/npy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource org/bpa4j/reliability/npy/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String numpy(Path dir, String name) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, numpyFile(name));
        return file.toString();
    }

    static String npy(Path dir, String name, Tensor t) throws IOException {
        Path file = dir.resolve(name);
        Npy.write(file, t);
        return file.toString();
    }

    static String labels(Path dir, long... values) throws IOException {
        Path file = dir.resolve("y.npy");
        Npy.write(file, values, values.length);
        return file.toString();
    }

    static Tensor x(int n, int d) {
        return RandomTensors.gaussian(3, n, d);
    }

    static Tensor with(Tensor t, long index, double value) {
        Tensor c = t.copy();
        c.setDouble(index, value);
        return c;
    }

    private static String[] transform(Path dir, String input, String... more) {
        List<String> args = new ArrayList<>(List.of("transform", "--input", input, "--output",
                dir.resolve("Z.npy").toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static Named<Case> refusal(String name, Setup setup, String... words) {
        return Named.of(name, new Case(setup, words));
    }

    static List<Named<Case>> transformRefusals() {
        List<Named<Case>> c = new ArrayList<>();
        // non-finite values, with their position
        c.add(refusal("NaN in X", d -> transform(d, numpy(d, "nan_at_2_1.npy")), "nan", "row 2", "column 1"));
        c.add(refusal("-Inf in set 1 of a batch", d -> transform(d, numpy(d, "inf_set1_row0_col2.npy")),
                "-inf", "set 1", "row 0", "column 2"));
        c.add(refusal("+Inf in X", d -> transform(d, npy(d, "X.npy", with(x(4, 3), 5, Double.POSITIVE_INFINITY))),
                "+inf", "row 1", "column 2"));
        c.add(refusal("NaN in X, float64", d -> transform(d, npy(d, "X.npy", with(x(4, 3), 11, Double.NaN)),
                "--precision", "float64"), "nan", "row 3", "column 2"));
        c.add(refusal("a value beyond float32 in X", d -> transform(d, npy(d, "X.npy", with(x(4, 3), 4, 1e300))),
                "+inf", "row 1", "column 1"));
        c.add(refusal("NaN in G", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--grad",
                npy(d, "G.npy", with(Tensor.zeros(DType.FLOAT64, 4, 4), 6, Double.NaN)), "--grad-output",
                d.resolve("DX.npy").toString()), "nan", "row 1", "column 2"));
        // shapes
        c.add(refusal("1-D X", d -> transform(d, numpy(d, "one_d.npy")), "(5,)"));
        c.add(refusal("4-D X", d -> transform(d, numpy(d, "four_d.npy")), "4-d", "(2, 2, 2, 2)"));
        c.add(refusal("0-D X", d -> transform(d, numpy(d, "zero_d.npy")), "0-d"));
        c.add(refusal("n = 1", d -> transform(d, npy(d, "X.npy", x(1, 4))), "n = 2", "(1, 4)"));
        c.add(refusal("d = 0", d -> transform(d, npy(d, "X.npy", Tensor.zeros(DType.FLOAT64, 5, 0))), "d = 1",
                "(5, 0)"));
        c.add(refusal("empty (0, 3)", d -> transform(d, numpy(d, "empty_0x3.npy")), "(0, 3)"));
        c.add(refusal("empty (0, 0)", d -> transform(d, npy(d, "X.npy", Tensor.zeros(DType.FLOAT64, 0, 0))),
                "(0, 0)"));
        c.add(refusal("a batch of no sets", d -> transform(d, npy(d, "X.npy",
                Tensor.zeros(DType.FLOAT64, 0, 4, 2))), "(0, 4, 2)"));
        // element types
        for (String[] t : new String[][] {{"complex64", "complex64"}, {"complex128", "complex128"},
            {"str_unicode", "str"}, {"bytes", "bytes"}, {"object", "object"}, {"bool", "bool"},
            {"float16", "float16"}, {"datetime64", "datetime64"}, {"structured", "structured"}}) {
            c.add(refusal(t[0] + " X", d -> transform(d, numpy(d, t[0] + ".npy")), t[0] + ".npy", "dtype " + t[1],
                    "not supported"));
        }
        // damaged and missing files
        c.add(refusal("truncated X", d -> {
            Path f = d.resolve("cut.npy");
            Files.write(f, Arrays.copyOf(numpyFile("c_float64.npy"), 150));
            return transform(d, f.toString());
        }, "cut.npy", "truncated"));
        c.add(refusal("truncated header", d -> {
            Path f = d.resolve("cut.npy");
            Files.write(f, Arrays.copyOf(numpyFile("c_float64.npy"), 40));
            return transform(d, f.toString());
        }, "cut.npy", "truncated header"));
        c.add(refusal("garbage X", d -> {
            Path f = d.resolve("garbage.npy");
            Files.writeString(f, "x,y\n1,2\n3,4\n");
            return transform(d, f.toString());
        }, "garbage.npy", "not a .npy file"));
        c.add(refusal("empty file", d -> {
            Path f = d.resolve("empty.npy");
            Files.write(f, new byte[0]);
            return transform(d, f.toString());
        }, "empty.npy", "not a .npy file"));
        c.add(refusal("missing X", d -> transform(d, d.resolve("absent.npy").toString()), "absent.npy",
                "no such file"));
        c.add(refusal("a folder as X", d -> {
            Path f = Files.createDirectory(d.resolve("folder.npy"));
            return transform(d, f.toString());
        }, "folder.npy", "folder"));
        c.add(refusal("a header that lies about its size", d -> {
            Path f = d.resolve("liar.npy");
            byte[] good = numpyFile("c_float64.npy");
            String header = new String(good, 10, 118, StandardCharsets.ISO_8859_1)
                    .replace("(3, 4)", "(300000, 400000)");
            byte[] bad = good.clone();
            System.arraycopy(header.getBytes(StandardCharsets.ISO_8859_1), 0, bad, 10, 118);
            Files.write(f, bad);
            return transform(d, f.toString());
        }, "liar.npy", "truncated data", "(300000, 400000)"));
        // options
        for (String reg : new String[] {"0", "-1", "NaN", "Infinity"}) {
            c.add(refusal("--reg " + reg, d -> transform(d, npy(d, "X.npy", x(4, 3)), "--reg", reg), "reg"));
        }
        c.add(refusal("--reg 1e-320 (−C/reg overflows on every backend)", d -> transform(d, npy(d, "X.npy",
                x(4, 3)), "--reg", "1e-320"), "nan", "row", "column", "reg", "beyond the range"));
        c.add(refusal("--reg abc", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--reg", "abc"), "--reg", "abc"));
        for (String it : new String[] {"0", "-3"}) {
            c.add(refusal("--iterations " + it, d -> transform(d, npy(d, "X.npy", x(4, 3)), "--iterations", it),
                    "iterations", it));
        }
        c.add(refusal("--iterations 1.5", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--iterations", "1.5"),
                "--iterations", "1.5"));
        c.add(refusal("unknown metric", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--metric", "manhattan"),
                "manhattan"));
        c.add(refusal("unknown backend", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--backend", "tpu"), "tpu"));
        c.add(refusal("unknown precision", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--precision", "float16"),
                "float16"));
        c.add(refusal("unknown option", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--frobnicate"),
                "--frobnicate"));
        // labels
        c.add(refusal("labels longer than n", d -> transform(d, npy(d, "X.npy", x(3, 2)), "--labels",
                labels(d, 0, 1, 0, 1)), "4 labels", "3 rows"));
        c.add(refusal("negative label", d -> transform(d, npy(d, "X.npy", x(4, 2)), "--labels", labels(d, 0, -2)),
                "-2", "negative"));
        c.add(refusal("fractional labels", d -> transform(d, npy(d, "X.npy", x(4, 2)), "--labels",
                numpy(d, "labels_float_fraction.npy")), "0.5", "index 1"));
        c.add(refusal("string labels", d -> transform(d, npy(d, "X.npy", x(4, 2)), "--labels",
                numpy(d, "str_unicode.npy")), "str"));
        c.add(refusal("3-D labels", d -> transform(d, npy(d, "X.npy", x(4, 2)), "--labels",
                npy(d, "y.npy", Tensor.zeros(DType.FLOAT64, 1, 1, 2))), "(1, 1, 2)"));
        c.add(refusal("missing labels file", d -> transform(d, npy(d, "X.npy", x(4, 2)), "--labels",
                d.resolve("nolabels.npy").toString()), "nolabels.npy", "no such file"));
        // the gradient
        c.add(refusal("G of the wrong shape", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--grad",
                npy(d, "G.npy", Tensor.zeros(DType.FLOAT64, 4, 3)), "--grad-output", d.resolve("DX.npy").toString()),
                "(4, 3)", "(4, 4)"));
        c.add(refusal("--grad without --grad-output", d -> transform(d, npy(d, "X.npy", x(4, 3)), "--grad",
                npy(d, "G.npy", Tensor.zeros(DType.FLOAT64, 4, 4))), "--grad"));
        // outputs
        c.add(refusal("output in a missing folder", d -> new String[] {"transform", "--input",
            npy(d, "X.npy", x(4, 3)), "--output", d.resolve("nowhere/Z.npy").toString()}, "nowhere", "not exist"));
        c.add(refusal("output is a folder", d -> new String[] {"transform", "--input", npy(d, "X.npy", x(4, 3)),
            "--output", Files.createDirectory(d.resolve("out")).toString()}, "folder"));
        // sizes
        c.add(refusal("n = 60000", d -> transform(d, npy(d, "X.npy", Tensor.zeros(DType.FLOAT32, 60_000, 2))),
                "n = 60000", "needs about", "bytes"));
        return c;
    }

    static List<Named<Case>> otherRefusals() {
        List<Named<Case>> c = new ArrayList<>();
        c.add(refusal("sinkhorn: NaN in the cost", d -> sinkhorn(d, npy(d, "M.npy", with(x(3, 3), 5, Double.NaN))),
                "cost", "nan", "row 1", "column 2"));
        c.add(refusal("sinkhorn: 1-D cost", d -> sinkhorn(d, numpy(d, "one_d.npy")), "(5,)"));
        c.add(refusal("sinkhorn: complex cost", d -> sinkhorn(d, numpy(d, "complex128.npy")), "dtype complex128"));
        c.add(refusal("sinkhorn: negative tolerance", d -> sinkhorn(d, npy(d, "M.npy", x(3, 4)), "--tolerance",
                "-1e-6"), "tolerance"));
        c.add(refusal("sinkhorn: --reg 0", d -> sinkhorn(d, npy(d, "M.npy", x(3, 4)), "--reg", "0"), "reg"));
        c.add(refusal("sinkhorn: --iterations 0", d -> sinkhorn(d, npy(d, "M.npy", x(3, 4)), "--iterations", "0"),
                "iterations"));
        c.add(refusal("sinkhorn: marginal of the wrong length", d -> sinkhorn(d, npy(d, "M.npy", x(3, 4)),
                "--a", npy(d, "a.npy", uniform(4)), "--b", npy(d, "b.npy", uniform(4))), "(4,)", "(3,)"));
        c.add(refusal("sinkhorn: negative marginal", d -> sinkhorn(d, npy(d, "M.npy", x(3, 3)), "--a",
                npy(d, "a.npy", Tensor.of(new double[] {0.6, -0.1, 0.5}, 3)), "--b", npy(d, "b.npy", uniform(3))),
                "negative", "index 1"));
        c.add(refusal("sinkhorn: marginals with different totals", d -> sinkhorn(d, npy(d, "M.npy", x(3, 3)),
                "--a", npy(d, "a.npy", Tensor.of(new double[] {1, 1, 1}, 3)), "--b",
                npy(d, "b.npy", Tensor.of(new double[] {1, 1, 2}, 3))), "same total"));
        c.add(refusal("sinkhorn: --a without --b", d -> sinkhorn(d, npy(d, "M.npy", x(3, 3)), "--a",
                npy(d, "a.npy", uniform(3))), "--b"));
        c.add(refusal("bam: views that do not divide the batch", d -> bam(d, npy(d, "Z.in.npy", x(6, 4)), "2", "2"),
                "6 rows", "4 views"));
        c.add(refusal("bam: targetCrops > largeCrops", d -> bam(d, npy(d, "Z.in.npy", x(8, 4)), "2", "0",
                "--target-crops", "3"), "targetcrops = 3", "largecrops = 2"));
        c.add(refusal("bam: topK larger than the targets", d -> bam(d, npy(d, "Z.in.npy", x(8, 4)), "2", "0",
                "--top-k", "9"), "topk = 9", "8 targets"));
        c.add(refusal("bam: NaN in z", d -> bam(d, npy(d, "Z.in.npy", with(x(8, 4), 13, Double.NaN)), "2", "0"),
                "nan", "row 3", "column 1"));
        return c;
    }

    private static Tensor uniform(int n) {
        double[] v = new double[n];
        Arrays.fill(v, 1.0 / n);
        return Tensor.of(v, n);
    }

    private static String[] sinkhorn(Path dir, String cost, String... more) {
        List<String> args = new ArrayList<>(List.of("sinkhorn", "--cost", cost, "--output",
                dir.resolve("Z.npy").toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private static String[] bam(Path dir, String z, String large, String local, String... more) {
        List<String> args = new ArrayList<>(List.of("bam", "--input", z, "--large-crops", large, "--local-crops",
                local, "--grad-output", dir.resolve("DX.npy").toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"transformRefusals", "otherRefusals"})
    void refusedWithExitCodeTwoAndOneLineAndOutputsUntouched(Case c, @TempDir Path dir) throws IOException {
        Files.write(dir.resolve("Z.npy"), PREVIOUS);
        Files.write(dir.resolve("DX.npy"), PREVIOUS);
        String[] args = c.setup().args(dir);
        Set<String> before = listing(dir);
        CliOutcome.inProcess(args).assertRefused(c.words());
        assertArrayEquals(PREVIOUS, Files.readAllBytes(dir.resolve("Z.npy")), "Z.npy was changed");
        assertArrayEquals(PREVIOUS, Files.readAllBytes(dir.resolve("DX.npy")), "DX.npy was changed");
        assertEquals(before, listing(dir), "files were left behind");
    }

    private static Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).collect(TreeSet::new, Set::add, Set::addAll);
        }
    }

    /** A backend that cannot run here is refused with its reason; where it can, it runs. */
    @Test
    void anUnavailableBackendIsRefusedWithItsReason(@TempDir Path dir) throws IOException {
        String x = npy(dir, "X.npy", x(4, 3));
        for (Backends.Entry e : Backends.all()) {
            CliOutcome o = CliOutcome.inProcess(transform(dir, x, "--backend", e.device().label()));
            if (e.available()) {
                o.assertOk();
            } else {
                o.assertRefused(e.device().label(), "unavailable");
            }
        }
    }

    /** Valid input the issue names: integers (converted) and every layout NumPy writes give the same Z. */
    @Test
    void integerAndFortranOrderedAndBigEndianInputsAreRead(@TempDir Path dir) throws IOException {
        Path z0 = dir.resolve("Z0.npy");
        CliOutcome.inProcess("transform", "--input", numpy(dir, "c_float64.npy"), "--output", z0.toString(),
                "--precision", "float64").assertOk();
        double[] expected = Npy.read(z0).toTensor().toDoubleArray();
        for (String layout : new String[] {"fortran_float64.npy", "bigendian_float64.npy", "version2_float64.npy"}) {
            Path z = dir.resolve("Z-" + layout);
            CliOutcome.inProcess("transform", "--input", numpy(dir, layout), "--output", z.toString(),
                    "--precision", "float64").assertOk();
            assertArrayEquals(expected, Npy.read(z).toTensor().toDoubleArray(), layout);
        }
        for (String integers : new String[] {"int64_features.npy", "uint8_features.npy", "int16_fortran.npy"}) {
            Path z = dir.resolve("Z-" + integers);
            CliOutcome.inProcess("transform", "--input", numpy(dir, integers), "--output", z.toString()).assertOk();
            Tensor out = Npy.read(z).toTensor();
            int n = Npy.read(dir.resolve(integers)).shape()[0];
            assertArrayEquals(new int[] {n, n}, out.shape(), integers);
        }
    }

    /** The real process: exit status, one line, and a size refused in a JVM whose heap could never hold it. */
    @Test
    void aSeparateProcessExitsWithTwoAndPrintsOneLine(@TempDir Path dir) throws IOException {
        CliOutcome.process(List.of(), transform(dir, dir.resolve("absent.npy").toString()))
                .assertRefused("absent.npy", "no such file");
        CliOutcome.process(List.of(), transform(dir, numpy(dir, "nan_at_2_1.npy")))
                .assertRefused("nan", "row 2", "column 1");
        String big = npy(dir, "X.npy", Tensor.zeros(DType.FLOAT32, 20_000, 2));
        for (Device device : new Device[] {Device.REFERENCE, Device.AUTO}) {
            CliOutcome.process(List.of("-Xmx64m"), transform(dir, big, "--backend", device.label()))
                    .assertRefused("n = 20000", "needs about", "-xmx");
        }
        assertEquals(Set.of("X.npy", "nan_at_2_1.npy"), listing(dir), "no output or temporary file");
    }
}
