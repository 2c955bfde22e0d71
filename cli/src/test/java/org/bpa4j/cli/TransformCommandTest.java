package org.bpa4j.cli;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.testing.GoldenCase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code bpa4j transform}: the authors' golden cases through the command line, and every refusal. */
class TransformCommandTest {
    @TempDir
    Path dir;

    static List<GoldenCase> bpaCases() {
        return GoldenCase.all("bpa");
    }

    /** The command line for a golden case: its options, X (and labels) copied to files. */
    private List<String> commandFor(GoldenCase c) throws IOException {
        Path x = dir.resolve("X.npy");
        Npy.write(x, c.tensor("X"));
        List<String> args = new ArrayList<>(List.of("transform", "--input", x.toString(),
                "--output", dir.resolve("Z.npy").toString(), "--metric", c.get("metric"), "--reg", c.get("reg"),
                "--iterations", c.get("iterations")));
        if (c.getBoolean("sigmoid")) {
            args.add("--sigmoid");
        }
        if (!c.getBoolean("maskDiagonal")) {
            args.add("--no-mask-diagonal");
        }
        if (!c.getBoolean("maxScale")) {
            args.add("--no-max-scale");
        }
        int[] labels = c.labels();
        if (labels != null) {
            Path y = dir.resolve("y.npy");
            long[] values = new long[labels.length];
            for (int i = 0; i < labels.length; i++) {
                values[i] = labels[i];
            }
            Npy.write(y, values, labels.length);
            args.addAll(List.of("--labels", y.toString()));
        }
        return args;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bpaCases")
    void goldenOutputAndGradientInFloat64OnTheReferenceBackend(GoldenCase c) throws IOException {
        Path g = dir.resolve("G.npy");
        Npy.write(g, c.tensor("G"));
        List<String> args = commandFor(c);
        args.addAll(List.of("--grad", g.toString(), "--grad-output", dir.resolve("DX.npy").toString(),
                "--backend", "reference", "--precision", "float64"));
        CliRun run = CliRun.of(args.toArray(String[]::new)).assertOk();
        assertTrue(run.out().contains("reference backend"), run.out());
        NpyArray z = Npy.read(dir.resolve("Z.npy"));
        assertEquals("float64", z.dtypeName());
        assertClose(c.tensor("out"), z.toTensor(), 1e-9, c + " out");
        assertClose(c.tensor("dX"), Npy.read(dir.resolve("DX.npy")).toTensor(), 1e-9, c + " dX");
    }

    @Test
    void defaultPrecisionWritesFloat32CloseToTheGolden() throws IOException {
        GoldenCase c = GoldenCase.all("bpa").get(0);
        CliRun.of(commandFor(c).toArray(String[]::new)).assertOk();
        NpyArray z = Npy.read(dir.resolve("Z.npy"));
        assertEquals("float32", z.dtypeName());
        assertClose(c.tensor("out"), z.toTensor(), 1e-4, c + " out in float32");
    }

    @Test
    void batchWithTwoDimensionalLabelsGivesEachSetItsOwnLabels() throws IOException {
        GoldenCase c = GoldenCase.all("bpa").stream().filter(k -> k.labels() != null).findFirst().orElseThrow();
        Tensor x = c.tensor("X");
        int n = x.rows();
        int d = x.cols();
        int[] y = c.labels();
        // set 0 carries the golden labels; set 1 the same points with no label agreement (all distinct)
        double[] both = new double[2 * n * d];
        System.arraycopy(x.toDoubleArray(), 0, both, 0, n * d);
        System.arraycopy(x.toDoubleArray(), 0, both, n * d, n * d);
        Path in = dir.resolve("XB.npy");
        Npy.write(in, Tensor.of(both, 2, n, d));
        long[] labels = new long[2 * y.length];
        for (int i = 0; i < y.length; i++) {
            labels[i] = y[i];
            labels[y.length + i] = 100 + i;
        }
        Path yFile = dir.resolve("yB.npy");
        Npy.write(yFile, labels, 2, y.length);
        Path out = dir.resolve("ZB.npy");
        CliRun.of("transform", "--input", in.toString(), "--output", out.toString(), "--labels", yFile.toString(),
                "--metric", c.get("metric"), "--reg", c.get("reg"), "--iterations", c.get("iterations"),
                "--backend", "reference", "--precision", "float64").assertOk();
        Tensor z = Npy.read(out).toTensor();
        assertArrayEquals(new int[] {2, n, n}, z.shape());
        assertClose(c.tensor("out"), z.set(0), 1e-9, "set 0 with the golden labels");
        for (int i = 0; i < y.length; i++) {
            for (int j = 0; j < y.length; j++) {
                assertEquals(i == j ? 1.0 : 0.0, z.set(1).get(i, j), "set 1 labelled block at " + i + "," + j);
            }
        }
    }

    @Test
    void integerFeaturesAreConverted() throws IOException {
        int n = 6;
        int d = 3;
        long[] ints = new long[n * d];
        double[] doubles = new double[n * d];
        for (int i = 0; i < ints.length; i++) {
            ints[i] = (i * 7) % 5 + 1;
            doubles[i] = ints[i];
        }
        Path xi = dir.resolve("xi.npy");
        Path xd = dir.resolve("xd.npy");
        Npy.write(xi, ints, n, d);
        Npy.write(xd, Tensor.of(doubles, n, d));
        CliRun.of("transform", "--input", xi.toString(), "--output", dir.resolve("zi.npy").toString(),
                "--precision", "float64", "--backend", "reference").assertOk();
        CliRun.of("transform", "--input", xd.toString(), "--output", dir.resolve("zd.npy").toString(),
                "--precision", "float64", "--backend", "reference").assertOk();
        assertClose(Npy.read(dir.resolve("zd.npy")).toTensor(), Npy.read(dir.resolve("zi.npy")).toTensor(), 0,
                "integer input");
    }

    @Test
    void aWrongGradientShapeIsRefusedAndLeavesExistingOutputsUntouched() throws IOException {
        Path x = dir.resolve("X.npy");
        Npy.write(x, Tensor.of(new double[] {1, 0, 0, 1, 1, 1, 2, 1}, 4, 2));
        Path g = dir.resolve("G.npy");
        Npy.write(g, Tensor.of(new double[4 * 3], 4, 3));
        Path z = dir.resolve("Z.npy");
        Path dx = dir.resolve("DX.npy");
        Files.writeString(z, "previous Z");
        Files.writeString(dx, "previous DX");
        CliRun.of("transform", "--input", x.toString(), "--output", z.toString(), "--grad", g.toString(),
                "--grad-output", dx.toString()).assertRefused("(4, 4)");
        assertEquals("previous Z", Files.readString(z));
        assertEquals("previous DX", Files.readString(dx));
        try (var files = Files.list(dir)) {
            assertEquals(4, files.count(), "no temporary file is left behind");
        }
    }

    @Test
    void badInputIsOneLineAndExitCodeTwo() throws IOException {
        Path x = dir.resolve("X.npy");
        Npy.write(x, Tensor.of(new double[] {1, 0, 0, 1, 1, 1, 2, 1}, 4, 2));
        String in = x.toString();
        String out = dir.resolve("Z.npy").toString();
        CliRun.of("transform", "--input", dir.resolve("missing.npy").toString(), "--output", out)
                .assertRefused("missing.npy");
        CliRun.of("transform", "--output", out).assertRefused("--input");
        CliRun.of("transform", "--input", in, "--output", out, "--metric", "manhattan").assertRefused("manhattan");
        CliRun.of("transform", "--input", in, "--output", out, "--backend", "gpu").assertRefused("gpu");
        CliRun.of("transform", "--input", in, "--output", out, "--precision", "float16").assertRefused("float16");
        CliRun.of("transform", "--input", in, "--output", out, "--reg", "0").assertRefused("reg");
        CliRun.of("transform", "--input", in, "--output", out, "--reg", "abc").assertRefused("abc");
        CliRun.of("transform", "--input", in, "--output", out, "--iterations", "0").assertRefused("iterations");
        CliRun.of("transform", "--input", in, "--output", out, "--grad", in).assertRefused("--grad-output");
        CliRun.of("transform", "--input", in, "--output", dir.resolve("no/such/folder/Z.npy").toString())
                .assertRefused("does not exist");
        CliRun.of("transform", "--input", in, "--output", out, "--grad", in, "--grad-output", out)
                .assertRefused("same file");
        CliRun.of("transform", "--input", in, "--output", out, "--frobnicate").assertRefused("--frobnicate");

        Path text = dir.resolve("text.npy");
        Files.writeString(text, "not numpy at all");
        CliRun.of("transform", "--input", text.toString(), "--output", out).assertRefused("not a .npy file");

        Path vector = dir.resolve("v.npy");
        Npy.write(vector, Tensor.of(new double[] {1, 2, 3}, 3));
        CliRun.of("transform", "--input", vector.toString(), "--output", out).assertRefused("(3,)");

        double[] nan = {1, 0, 0, 1, 1, Double.NaN, 2, 1};
        Path withNan = dir.resolve("nan.npy");
        Npy.write(withNan, Tensor.of(nan, 4, 2));
        CliRun.of("transform", "--input", withNan.toString(), "--output", out).assertRefused("row 2 column 1");

        Path y = dir.resolve("y.npy");
        Npy.write(y, new long[] {0, 1, 0, 1, 0}, 5);
        CliRun.of("transform", "--input", in, "--output", out, "--labels", y.toString()).assertRefused("5 labels");
        Npy.write(y, Tensor.of(new double[] {0, 1.5}, 2));
        CliRun.of("transform", "--input", in, "--output", out, "--labels", y.toString()).assertRefused("1.5");
        Npy.write(y, new long[] {0, 1, 0, 1}, 2, 2);
        CliRun.of("transform", "--input", in, "--output", out, "--labels", y.toString()).assertRefused("2 rows");
        assertTrue(Files.notExists(dir.resolve("Z.npy")), "no output after a refusal");
    }
}
