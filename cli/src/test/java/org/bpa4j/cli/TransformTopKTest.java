package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.testing.DenseTopK;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpa4j transform --top-k} (README "Large sets"): the files it writes, and every refusal (nothing written). */
class TransformTopKTest {
    @TempDir
    Path dir;

    @Test
    void writesTheTopKValuesAndTheirInt64Indices() throws Exception {
        Tensor x = RandomTensors.gaussian(60, 90, 7).to(org.bpa4j.DType.FLOAT32);
        Path in = dir.resolve("X.npy");
        Npy.write(in, x);
        Path y = dir.resolve("y.npy");
        Npy.write(y, new long[] {0, 1, 1, 0}, 4);
        Path v = dir.resolve("V.npy");
        Path i = dir.resolve("I.npy");
        CliRun run = CliRun.of("transform", "--input", in.toString(), "--top-k", "6", "--output", v.toString(),
                "--indices-output", i.toString(), "--metric", "euclidean", "--reg", "0.2", "--labels", y.toString(),
                "--backend", "reference").assertOk();
        assertEquals(1, run.out().strip().lines().count(), run.out());
        NpyArray values = Npy.read(v);
        NpyArray indices = Npy.read(i);
        assertEquals("float32", values.dtypeName());
        assertEquals("int64", indices.dtypeName());
        assertArrayEquals(new int[] {90, 6}, values.shape());
        assertArrayEquals(new int[] {90, 6}, indices.shape());
        Bpa bpa = Bpa.builder().metric(Metric.EUCLIDEAN).reg(0.2).device(Device.REFERENCE).build();
        int[] labels = {0, 1, 1, 0};
        TopKRows api = bpa.topK(x, 6, labels);
        assertArrayEquals(api.valueArray(), values.toTensor(org.bpa4j.DType.FLOAT32).toFloatArray());
        assertArrayEquals(api.intIndexArray(), indices.toIntArray());
        DenseTopK.assertMatches(bpa.transform(x, labels), api, 1e-6, "the command's rows");
    }

    @Test
    void refusesBadInputWithOneLineAndWritesNothing() throws Exception {
        Path in = dir.resolve("X.npy");
        Npy.write(in, RandomTensors.gaussian(61, 10, 3));
        Path batch = dir.resolve("B.npy");
        Npy.write(batch, RandomTensors.gaussian(62, 2, 10, 3));
        float[] nan = RandomTensors.gaussian(63, 10, 3).toFloatArray();
        nan[3 * 2 + 1] = Float.NaN;
        Path bad = dir.resolve("N.npy");
        Npy.write(bad, Tensor.of(nan, 10, 3));
        String v = dir.resolve("V.npy").toString();
        String i = dir.resolve("I.npy").toString();
        refused("--top-k must be >= 1, got 0", "--input", in.toString(), "--top-k", "0", "--output", v,
                "--indices-output", i);
        refused("--top-k 11 is larger than n = 10", "--input", in.toString(), "--top-k", "11", "--output", v,
                "--indices-output", i);
        refused("one set (n, d)", "--input", batch.toString(), "--top-k", "2", "--output", v, "--indices-output", i);
        refused("NaN at row 2 column 1", "--input", bad.toString(), "--top-k", "2", "--output", v, "--indices-output", i);
        refused("go together", "--input", in.toString(), "--top-k", "2", "--output", v);
        refused("no gradient", "--input", in.toString(), "--top-k", "2", "--output", v, "--indices-output", i,
                "--grad", in.toString(), "--grad-output", dir.resolve("G.npy").toString());
        refused("name the same file", "--input", in.toString(), "--top-k", "2", "--output", v, "--indices-output", v);
        assertFalse(Files.exists(Path.of(v)), "V written");
        assertFalse(Files.exists(Path.of(i)), "I written");
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "only the inputs are there");
        }
    }

    private static void refused(String fragment, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "transform";
        System.arraycopy(args, 0, all, 1, args.length);
        CliRun.of(all).assertRefused(fragment).assertNoOutput();
    }
}
