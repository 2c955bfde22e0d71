package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.retrieval.Ranking;
import org.bpa4j.retrieval.Rerank;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpa4j rerank} (README, "Re-ranking and retrieval"): the files equal the API's ranking; refusals. */
class RerankCommandTest {
    @TempDir
    Path dir;

    private final Tensor query = RandomTensors.gaussian(5, 6, 4).to(DType.FLOAT32);
    private final Tensor gallery = RandomTensors.gaussian(6, 14, 4).to(DType.FLOAT32);

    private String write(String name, Tensor t) throws IOException {
        Path p = dir.resolve(name);
        Npy.write(p, t);
        return p.toString();
    }

    private static long[] longs(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }

    @Test
    void writesTheApisRankingAndDistances() throws IOException {
        String q = write("Q.npy", query);
        String g = write("G.npy", gallery);
        Path r = dir.resolve("R.npy");
        Path d = dir.resolve("D.npy");
        CliRun run = CliRun.of("rerank", "--query", q, "--gallery", g, "--output", r.toString(),
                "--distances-output", d.toString(), "--backend", "reference", "--reg", "0.2").assertOk();
        assertTrue(run.out().contains("R (6, 14) int64"), run.out());
        Ranking expected = Rerank.builder().bpa(Bpa.builder().reg(0.2).device(Device.REFERENCE)
                .precision(DType.FLOAT32).build()).build().rank(query, gallery);
        NpyArray indices = Npy.read(r);
        assertEquals("int64", indices.dtypeName());
        assertArrayEquals(new int[] {6, 14}, indices.shape());
        assertArrayEquals(expected.indices(), indices.toIntArray());
        NpyArray distances = Npy.read(d);
        assertEquals("float32", distances.dtypeName());
        assertArrayEquals(expected.distances(), distances.toTensor().toFloatArray());
    }

    @Test
    void topKAndKeepGoThrough() throws IOException {
        String q = write("Q.npy", query);
        String g = write("G.npy", gallery);
        Path r = dir.resolve("R.npy");
        CliRun.of("rerank", "--query", q, "--gallery", g, "--output", r.toString(), "--top-k", "3", "--keep", "7",
                "--backend", "reference").assertOk();
        Ranking expected = Rerank.builder().bpa(Bpa.builder().device(Device.REFERENCE).precision(DType.FLOAT32)
                .build()).topK(3).keep(7).build().rank(query, gallery);
        NpyArray indices = Npy.read(r);
        assertArrayEquals(new int[] {6, 3}, indices.shape());
        assertArrayEquals(expected.indicesAsLongs(), longs(indices.toIntArray()));
    }

    @Test
    void badInputIsOneLineExitTwoAndNothingWritten() throws IOException {
        String q = write("Q.npy", query);
        String g = write("G.npy", gallery);
        String r = dir.resolve("R.npy").toString();
        String d = dir.resolve("D.npy").toString();
        List<String> base = List.of("rerank", "--query", q, "--gallery", g, "--output", r, "--distances-output", d);
        CliRun.of(with(base, "--top-k", "0")).assertRefused("--top-k must be >= 1");
        CliRun.of(with(base, "--top-k", "15")).assertRefused("top-k 15 is larger than the gallery of 14 items");
        CliRun.of(with(base, "--keep", "0")).assertRefused("--keep must be >= 1");
        CliRun.of(with(base, "--keep", "21")).assertRefused("keep 21 is larger than the n = 20 columns");
        String g3 = write("G3.npy", RandomTensors.gaussian(7, 14, 3));
        CliRun.of("rerank", "--query", q, "--gallery", g3, "--output", r).assertRefused("has d = 3");
        String empty = write("E.npy", Tensor.of(new float[0], 0, 4));
        CliRun.of("rerank", "--query", q, "--gallery", empty, "--output", r).assertRefused("no rows");
        float[] nan = gallery.toFloatArray();
        nan[3 * 4 + 1] = Float.NaN;
        String gNan = write("GN.npy", Tensor.of(nan, 14, 4));
        CliRun.of("rerank", "--query", q, "--gallery", gNan, "--output", r).assertRefused("NaN at row 3 column 1");
        String flat = write("F.npy", Tensor.of(new float[4], 4));
        CliRun.of("rerank", "--query", flat, "--gallery", g, "--output", r).assertRefused("(4,)");
        CliRun.of("rerank", "--query", q, "--gallery", g, "--output", r, "--distances-output", r)
                .assertRefused("same file");
        assertTrue(!Files.exists(dir.resolve("R.npy")) && !Files.exists(dir.resolve("D.npy")), "nothing written");
        try (var files = Files.list(dir)) {
            assertTrue(files.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary files left");
        }
    }

    private static String[] with(List<String> base, String... more) {
        List<String> args = new java.util.ArrayList<>(base);
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }
}
