package org.bpa4j.streaming;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.PartialLogSumExp;
import org.bpa4j.StreamingBpa;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.DenseTopK;
import org.bpa4j.testing.RandomTensors;
import org.bpa4j.testing.StreamingOnBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming top-k BPA of the reference backend (README "Large sets") against the dense reference transform,
 * for every option combination, and its row-block operations as a distributed caller drives them.
 */
class StreamingBpaTest {
    private static final int[] LABELS = {0, 1, 0, 2, 1, 1};

    static Stream<Arguments> everyOption() {
        List<Arguments> all = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            for (int bits = 0; bits < 16; bits++) {
                all.add(Arguments.of(metric, (bits & 1) != 0, (bits & 2) == 0, (bits & 4) == 0, (bits & 8) != 0));
            }
        }
        return all.stream();
    }

    private static Bpa bpa(Metric metric, boolean sigmoid, boolean maskDiagonal, boolean maxScale, double reg) {
        return Bpa.builder().metric(metric).sigmoid(sigmoid).maskDiagonal(maskDiagonal).maxScale(maxScale).reg(reg)
                .iterations(7).device(Device.REFERENCE).build();
    }

    @ParameterizedTest(name = "{0} sigmoid={1} mask={2} maxScale={3} labels={4}")
    @MethodSource("everyOption")
    void topKRowsAreTheDenseTopK(Metric metric, boolean sigmoid, boolean mask, boolean maxScale, boolean labels) {
        Tensor x = RandomTensors.gaussian(metric.ordinal() * 31 + 7, 37, 5);
        Bpa bpa = bpa(metric, sigmoid, mask, maxScale, 0.1);
        int[] y = labels ? LABELS : null;
        Tensor z = bpa.transform(x, y);
        TopKRows top = bpa.topK(x, 9, y);
        DenseTopK.assertMatches(z, top, 1e-6, "k = 9");
        DenseTopK.assertMatches(z, bpa.topK(x, 37, y), 1e-6, "k = n");
    }

    @Test
    void theBlocksAsADistributedCallerRunsThemGiveTheSameRows() {
        for (Metric metric : Metric.values()) {
            Tensor x = RandomTensors.gaussian(11, 29, 4);
            Bpa bpa = bpa(metric, false, true, true, 0.2);
            StreamingBpa s = bpa.streaming(x, LABELS);
            int[][] blocks = {{0, 10}, {10, 11}, {11, 29}};
            if (s.needsMaxDistance()) {
                double max = 0;
                for (int[] b : blocks) {
                    max = Math.max(max, s.blockMaxDistance(b[0], b[1]));
                }
                s = s.withMaxDistance(max);
            }
            double[] v = new double[29];
            double[] u = null;
            PartialLogSumExp last = null;
            for (int t = 0; t < bpa.iterations(); t++) {
                List<PartialLogSumExp> rows = new ArrayList<>();
                for (int[] b : blocks) {
                    rows.add(s.blockRows(b[0], b[1], v));
                }
                Collections.reverse(rows);
                u = StreamingBpa.join(rows).duals();
                List<PartialLogSumExp> columns = new ArrayList<>();
                for (int[] b : blocks) {
                    columns.add(s.blockColumns(b[0], b[1], u));
                }
                last = columns.get(2).merge(columns.get(0)).merge(columns.get(1));
                v = last.duals();
            }
            double divisor = s.divisor(last);
            List<TopKRows> parts = new ArrayList<>();
            for (int[] b : blocks) {
                parts.add(s.blockTopK(b[0], b[1], u, v, divisor, 6));
            }
            Collections.reverse(parts);
            TopKRows joined = TopKRows.concat(parts);
            DenseTopK.assertMatches(bpa.transform(x, LABELS), joined, 1e-6, metric + " over blocks");
            TopKRows local = bpa.topK(x, 6, LABELS);
            assertArrayEquals(local.indexArray(), joined.indexArray(), metric + ": indices");
            float[] a = local.valueArray();
            float[] b = joined.valueArray();
            for (int t = 0; t < a.length; t++) {
                assertEquals(a[t], b[t], 1e-6, metric + ": value " + t);
            }
        }
    }

    @Test
    void columnPartialsMergedEqualTheRowsBecauseTheCostIsSymmetric() {
        Tensor x = RandomTensors.gaussian(12, 23, 6);
        StreamingBpa s = bpa(Metric.COSINE, false, true, true, 0.1).streaming(x);
        double[] dual = RandomTensors.gaussian(13, 23).toDoubleArray();
        double[] rows = s.blockRows(0, 23, dual).values();
        PartialLogSumExp a = s.blockColumns(0, 8, dual);
        PartialLogSumExp b = s.blockColumns(8, 23, dual);
        assertEquals(a.merge(b), b.merge(a), "merge is commutative bit for bit");
        double[] columns = a.merge(b).values();
        for (int j = 0; j < 23; j++) {
            assertEquals(rows[j], columns[j], 1e-12 * Math.abs(rows[j]) + 1e-12, "column " + j);
        }
        assertEquals(s.blockRows(3, 9, dual), s.blockRows(3, 9, dual), "a recomputed block gives the same bits");
    }

    /**
     * BlockKernel's default whole-set half-step (what topK runs on a backend without its own) is the per-block
     * operation over blocks of SWEEP_BLOCK_ROWS rows: the same bits as one call over [0, n), and no heap of its own.
     */
    @Test
    void theDefaultWholeSetHalfStepIsThePerBlockOperation() {
        int n = 2 * BlockKernel.SWEEP_BLOCK_ROWS + 37;
        Tensor x = RandomTensors.gaussian(14, n, 3);
        double[] dual = RandomTensors.gaussian(15, n).toDoubleArray();
        for (Metric metric : Metric.values()) {
            BlockKernel kernel = StreamingOnBackend.reference().blockKernel(
                    new BpaOptions(metric, 0.1, 7, false, true, true, DType.FLOAT64), x);
            double scale = kernel.maxDistance(0, n);
            double[] max = new double[n];
            double[] sum = new double[n];
            kernel.everyRowLogSumExp(dual, scale, max, sum);
            double[] oneMax = new double[n];
            double[] oneSum = new double[n];
            kernel.rowLogSumExp(0, n, dual, scale, oneMax, oneSum, 0);
            assertArrayEquals(oneMax, max, metric + ": max");
            assertArrayEquals(oneSum, sum, metric + ": sum");
            assertEquals(0, kernel.everyRowLogSumExpBytes(), metric + ": heap of its own");
        }
    }

    @Test
    void blockResultsSurviveSerialisation() throws Exception {
        Tensor x = RandomTensors.gaussian(14, 12, 3);
        Bpa bpa = bpa(Metric.COSINE, false, true, true, 0.1);
        PartialLogSumExp part = bpa.streaming(x).blockColumns(2, 7, new double[12]);
        assertEquals(part, roundTrip(part));
        TopKRows top = bpa.topK(x, 4);
        TopKRows back = (TopKRows) roundTrip(top);
        assertArrayEquals(top.valueArray(), back.valueArray());
        assertArrayEquals(top.indexArray(), back.indexArray());
        Bpa shipped = (Bpa) roundTrip(bpa);
        assertArrayEquals(top.indexArray(), shipped.topK(x, 4).indexArray(), "a shipped Bpa keeps its options");
    }

    private static Object roundTrip(Object o) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    @Test
    void theResultIsAvailableAsTensorAndArrays() {
        Tensor x = RandomTensors.gaussian(15, 10, 3);
        TopKRows top = bpa(Metric.COSINE, false, true, true, 0.1).topK(x, 3);
        assertArrayEquals(new int[] {10, 3}, top.values().shape());
        assertArrayEquals(top.valueArray(), top.values().toFloatArray());
        long[] ix = top.indexArray();
        int[] ints = top.intIndexArray();
        for (int t = 0; t < ix.length; t++) {
            assertEquals(ix[t], ints[t]);
        }
        for (int i = 0; i < 10; i++) {
            // the masked diagonal's 1 is among the leaders (the global max, scaled to 1, may tie with it)
            boolean diagonal = false;
            for (int c = 0; c < 3 && top.value(i, c) == 1f; c++) {
                diagonal |= top.index(i, c) == i;
            }
            assertTrue(diagonal, "row " + i + " keeps its diagonal 1 first");
        }
    }

    @Test
    void progressIsToldEveryPass() {
        Tensor x = RandomTensors.gaussian(16, 10, 3);
        List<String> seen = new ArrayList<>();
        Bpa bpa = bpa(Metric.EUCLIDEAN, false, true, true, 0.1);
        bpa.topK(x, 2, null, (pass, passes) -> seen.add(pass + "/" + passes));
        assertEquals(2 * 7 + 2, seen.size());
        assertEquals("16/16", seen.get(seen.size() - 1));
    }

    @Test
    void badInputIsRefusedWithWhatAndWhere() {
        Tensor x = RandomTensors.gaussian(17, 10, 3);
        Bpa bpa = bpa(Metric.COSINE, false, true, true, 0.1);
        assertMessage(() -> bpa.topK(x, 0), "k must be in [1, n] = [1, 10], got 0");
        assertMessage(() -> bpa.topK(x, 11), "got 11");
        assertMessage(() -> bpa.topK(RandomTensors.gaussian(1, 2, 5, 3), 2), "one set (n, d)");
        float[] nan = x.toFloatArray();
        nan[7] = Float.NaN;
        assertMessage(() -> bpa.topK(Tensor.of(nan, 10, 3), 2), "row 2");
        assertMessage(() -> bpa.topK(x, 2, new int[] {0, -1}), "negative");
        assertMessage(() -> bpa.topK(x, 2, new int[11]), "11 labels");
        StreamingBpa s = bpa.streaming(x);
        assertMessage(() -> s.blockRows(0, 11, new double[10]), "[0, 11)");
        assertMessage(() -> s.blockRows(4, 4, new double[10]), "non-empty");
        assertMessage(() -> s.blockRows(0, 5, new double[9]), "length 9");
        assertMessage(() -> s.blockColumns(0, 5, new double[] {0, 0, Double.NaN, 0, 0, 0, 0, 0, 0, 0}), "index 2");
        assertMessage(() -> s.blockTopK(0, 5, new double[10], new double[10], 0, 2), "divisor");
        assertMessage(() -> s.blockMaxDistance(0, 5), "euclidean");
        StreamingBpa e = bpa(Metric.EUCLIDEAN, false, true, true, 0.1).streaming(x);
        assertThrows(IllegalStateException.class, () -> e.blockRows(0, 5, new double[10]));
        assertMessage(() -> e.withMaxDistance(Double.NaN), "max distance");
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(part), "message '" + e.getMessage() + "' lacks '" + part + "'");
    }
}
