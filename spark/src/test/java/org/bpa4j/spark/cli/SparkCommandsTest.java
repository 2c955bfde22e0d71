package org.bpa4j.spark.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.bpa4j.Bpa;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/bpa4j-spark}'s commands in this JVM (local[2]) against {@code bpa4j}'s, as the README shows them. */
class SparkCommandsTest {
    @TempDir
    Path dir;

    private record Run(int code, String out, String err) {
    }

    private static Run spark(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        // the options after the command name, as a user types them: bpa4j-spark fewshot --master local[2] ...
        String[] withCommand = new String[args.length + 2];
        withCommand[0] = args[0];
        withCommand[1] = "--master";
        withCommand[2] = "local[2]";
        System.arraycopy(args, 1, withCommand, 3, args.length - 1);
        int code = SparkMain.run(new PrintWriter(out, true), new PrintWriter(err, true), withCommand);
        return new Run(code, out.toString(), err.toString());
    }

    private static Run cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = org.bpa4j.cli.Main.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void fewshotPrintsExactlyWhatBpa4jFewshotPrints() {
        String[] text = {"fewshot", "--episodes", "150", "--seed", "7", "--batch", "40"};
        Run single = cli(text);
        Run spread = spark(concat(text, "--partitions", "3"));
        assertEquals(0, single.code(), single.err());
        assertEquals(0, spread.code(), spread.err());
        assertEquals(single.out(), spread.out());
        assertTrue(single.out().contains("5-way 5-shot"), single.out());

        String[] tsv = {"fewshot", "--episodes", "90", "--shots", "1,3", "--way", "4", "--format", "tsv"};
        Run a = cli(tsv);
        Run b = spark(concat(tsv, "--partitions", "4"));
        assertEquals(0, b.code(), b.err());
        assertEquals(a.out(), b.out());
        assertEquals(5, b.out().lines().count(), b.out());
    }

    @Test
    void fewshotRefusesBadOptionsWithExitCode2AndOneLine() {
        Run r = spark("fewshot", "--episodes", "0");
        assertEquals(2, r.code());
        assertEquals("bpa4j-spark fewshot: --episodes must be >= 1, got 0", r.err().strip());
        assertEquals("", r.out());
    }

    @Test
    void transformTopKWritesWhatBpa4jTransformTopKWrites() throws IOException {
        SplittableRandom random = new SplittableRandom(5);
        int n = 200;
        int d = 6;
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) random.nextGaussian();
        }
        Path input = dir.resolve("x.npy");
        Npy.write(input, Tensor.of(x, n, d));
        Path v = dir.resolve("v.npy");
        Path i = dir.resolve("i.npy");
        Run r = spark("transform", "--top-k", "6", "--partitions", "3", "--iterations", "5", "--input",
                input.toString(), "--output", v.toString(), "--indices-output", i.toString());
        assertEquals(0, r.code(), r.err());
        // what bpa4j transform --top-k writes for the same input
        Path cv = dir.resolve("cli-v.npy");
        Path ci = dir.resolve("cli-i.npy");
        Run single = cli("transform", "--top-k", "6", "--iterations", "5", "--quiet", "--input", input.toString(),
                "--output", cv.toString(), "--indices-output", ci.toString());
        assertEquals(0, single.code(), single.err());
        NpyArray values = Npy.read(v);
        NpyArray indices = Npy.read(i);
        assertArrayEquals(new int[] {n, 6}, values.shape());
        assertArrayEquals(new int[] {n, 6}, indices.shape());
        assertEquals(Npy.read(cv).dtypeName(), values.dtypeName());
        assertEquals(Npy.read(ci).dtypeName(), indices.dtypeName());
        float[] got = values.toTensor().toFloatArray();
        float[] wantValues = Npy.read(cv).toTensor().toFloatArray();
        long[] wantIndices = new long[n * 6];
        NpyArray cliIndices = Npy.read(ci);
        for (int t = 0; t < wantIndices.length; t++) {
            wantIndices[t] = (long) cliIndices.getDouble(t);
        }
        TopKRows api = Bpa.builder().iterations(5).build().topK(Tensor.of(x, n, d), 6);
        assertArrayEquals(api.valueArray(), wantValues, "bpa4j transform --top-k is Bpa.topK");
        for (int t = 0; t < got.length; t++) {
            assertEquals(wantValues[t], got[t], 1e-5, "entry " + t);
            if ((long) indices.getDouble(t) != wantIndices[t]) {
                // a different column only where two values tie (to float rounding)
                int row = t / 6;
                int c = t % 6;
                boolean tie = (c > 0 && Math.abs(wantValues[t] - wantValues[t - 1]) < 1e-5)
                        || (c < 5 && Math.abs(wantValues[t] - wantValues[t + 1]) < 1e-5);
                assertTrue(tie, "row " + row + " entry " + c);
            }
        }
    }

    @Test
    void transformRefusesAMissingInputAndWritesNothing() {
        Path v = dir.resolve("v.npy");
        Path i = dir.resolve("i.npy");
        Run r = spark("transform", "--top-k", "3", "--input", dir.resolve("none.npy").toString(), "--output",
                v.toString(), "--indices-output", i.toString());
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(v));
        assertFalse(Files.exists(i));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
