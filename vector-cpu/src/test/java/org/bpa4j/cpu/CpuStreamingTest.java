package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.PartialLogSumExp;
import org.bpa4j.StreamingBpa;
import org.bpa4j.testing.StreamingOnBackend;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.DenseTopK;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The CPU backend's streaming top-k (README "Large sets") at this JVM's vector width: the top-k of the dense
 * reference backend's Z for every option combination (values within 1e-4 of the largest entry), the same bits
 * on any thread count, and block operations that agree with the reference kernel's.
 */
class CpuStreamingTest {
    private static final int[] LABELS = {3, 1, 3, 0, 1, 1, 2, 0};

    static Stream<Arguments> everyOption() {
        List<Arguments> all = new ArrayList<>();
        for (Metric metric : Metric.values()) {
            for (int bits = 0; bits < 16; bits++) {
                all.add(Arguments.of(metric, (bits & 1) != 0, (bits & 2) == 0, (bits & 4) == 0, (bits & 8) != 0));
            }
        }
        return all.stream();
    }

    private static Bpa.Builder options(Metric metric, boolean sigmoid, boolean mask, boolean maxScale) {
        return Bpa.builder().metric(metric).sigmoid(sigmoid).maskDiagonal(mask).maxScale(maxScale).iterations(6);
    }

    /** n = 300 spans two 256-column chunks and three 128-row passes with a ragged end; d = 19 is no lane multiple. */
    @ParameterizedTest(name = "{0} sigmoid={1} mask={2} maxScale={3} labels={4}")
    @MethodSource("everyOption")
    void topKEqualsTheDenseReferenceTopK(Metric metric, boolean sigmoid, boolean mask, boolean maxScale,
            boolean labels) {
        Tensor x = RandomTensors.gaussian(40 + metric.ordinal(), 300, 19).to(DType.FLOAT32);
        int[] y = labels ? LABELS : null;
        Tensor dense = options(metric, sigmoid, mask, maxScale).device(Device.REFERENCE).build().transform(x, y);
        Bpa bpa = options(metric, sigmoid, mask, maxScale).build();
        TopKRows top = StreamingOnBackend.streaming(new CpuBackend(2), bpa, x, y).topK(17);
        DenseTopK.assertMatches(dense, top, 1e-4, "cpu top-17");
    }

    @Test
    void aSmallRegularisationStaysInTheLogDomain() {
        Tensor x = RandomTensors.gaussian(44, 200, 8).to(DType.FLOAT32);
        for (Metric metric : Metric.values()) {
            Bpa.Builder b = options(metric, false, true, true).reg(0.01);
            Tensor dense = b.device(Device.REFERENCE).build().transform(x);
            TopKRows top = StreamingOnBackend.streaming(new CpuBackend(1), b.device(Device.CPU).build(), x, null)
                    .topK(5);
            DenseTopK.assertMatches(dense, top, 1e-4, metric + " reg 0.01");
        }
    }

    @Test
    void theBitsDoNotDependOnTheThreadCount() {
        Tensor x = RandomTensors.gaussian(45, 530, 33).to(DType.FLOAT32);
        for (Metric metric : Metric.values()) {
            Bpa bpa = options(metric, false, true, true).build();
            TopKRows one = StreamingOnBackend.streaming(new CpuBackend(1), bpa, x, LABELS).topK(12);
            for (int threads : new int[] {2, 3}) {
                TopKRows more = StreamingOnBackend.streaming(new CpuBackend(threads), bpa, x, LABELS).topK(12);
                assertArrayEquals(one.valueArray(), more.valueArray(), metric + ", " + threads + " threads");
                assertArrayEquals(one.indexArray(), more.indexArray(), metric + ", " + threads + " threads");
            }
        }
    }

    @Test
    void blockOperationsAgreeWithTheReferenceKernelAndWithAnyBlocking() {
        Tensor x = RandomTensors.gaussian(46, 150, 10).to(DType.FLOAT32);
        double[] dual = RandomTensors.gaussian(47, 150).toDoubleArray();
        for (Metric metric : Metric.values()) {
            Bpa bpa = options(metric, false, true, true).build();
            StreamingBpa cpu = StreamingOnBackend.streaming(new CpuBackend(1), bpa, x, null);
            StreamingBpa ref = StreamingOnBackend.streaming(StreamingOnBackend.reference(), bpa, x, null);
            if (cpu.needsMaxDistance()) {
                cpu = cpu.withMaxDistance(Math.max(cpu.blockMaxDistance(0, 77), cpu.blockMaxDistance(77, 150)));
                ref = ref.withMaxDistance(Math.max(ref.blockMaxDistance(0, 60), ref.blockMaxDistance(60, 150)));
            }
            double[] rowsCpu = cpu.blockRows(0, 150, dual).values();
            double[] rowsRef = ref.blockRows(0, 150, dual).values();
            PartialLogSumExp columns = cpu.blockColumns(0, 77, dual).merge(cpu.blockColumns(77, 150, dual));
            double[] cols = columns.values();
            double[] split = StreamingBpa.join(List.of(cpu.blockRows(5, 150, dual), cpu.blockRows(0, 5, dual)))
                    .values();
            for (int i = 0; i < 150; i++) {
                double scale = 1 + Math.abs(rowsRef[i]);
                assertEquals(rowsRef[i], rowsCpu[i], 2e-5 * scale, metric + " row " + i);
                assertEquals(rowsCpu[i], cols[i], 2e-5 * scale, metric + " column " + i);
                assertEquals(rowsCpu[i], split[i], 0.0, metric + ": a row's bits do not depend on its block");
            }
        }
    }

    /**
     * n = 1300 cuts the symmetric sweep into three column blocks of {@link CpuBlockKernel#sweepBlock} (the last
     * ragged), so its mirrored (column-read) tiles run: every row's log-sum-exp equals the reference kernel's and
     * the per-block operation's, with the same bits on 1, 2 and 3 threads.
     */
    @Test
    void theSymmetricSweepEqualsTheRowLogSumExpsOnAnyThreadCount() {
        int n = 1300;
        assertEquals(3, (n + CpuBlockKernel.sweepBlock(n) - 1) / CpuBlockKernel.sweepBlock(n), "column blocks");
        Tensor x = RandomTensors.gaussian(49, n, 21).to(DType.FLOAT32);
        double[] dual = RandomTensors.gaussian(50, n).toDoubleArray();
        for (Metric metric : Metric.values()) {
            for (boolean mask : new boolean[] {true, false}) {
                String what = metric + " mask=" + mask;
                BpaOptions options = new BpaOptions(metric, 0.1, 6, false, mask, true, DType.FLOAT32);
                BlockKernel reference = StreamingOnBackend.reference().blockKernel(options, x);
                CpuBlockKernel one = new CpuBlockKernel(options, x, ThreadTeam.of(1));
                double scale = one.maxDistance(0, n);
                double refScale = reference.maxDistance(0, n);
                double[] refMax = new double[n];
                double[] refSum = new double[n];
                reference.rowLogSumExp(0, n, dual, refScale, refMax, refSum, 0);
                double[] rowMax = new double[n];
                double[] rowSum = new double[n];
                one.rowLogSumExp(0, n, dual, scale, rowMax, rowSum, 0);
                double[] max = new double[n];
                double[] sum = new double[n];
                one.everyRowLogSumExp(dual, scale, max, sum);
                for (int i = 0; i < n; i++) {
                    double lse = max[i] + Math.log(sum[i]);
                    double ref = refMax[i] + Math.log(refSum[i]);
                    double tolerance = 2e-5 * (1 + Math.abs(ref));
                    assertEquals(ref, lse, tolerance, what + ": row " + i + " against the reference");
                    assertEquals(rowMax[i] + Math.log(rowSum[i]), lse, tolerance, what + ": row " + i
                            + " against the per-block operation");
                }
                for (int threads : new int[] {2, 3}) {
                    double[] moreMax = new double[n];
                    double[] moreSum = new double[n];
                    new CpuBlockKernel(options, x, ThreadTeam.of(threads)).everyRowLogSumExp(dual, scale, moreMax,
                            moreSum);
                    assertArrayEquals(max, moreMax, what + ", " + threads + " threads: max");
                    assertArrayEquals(sum, moreSum, what + ", " + threads + " threads: sum");
                }
            }
        }
    }

    /** The whole top-k through the symmetric sweep's three column blocks, against the dense reference. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("twoMetrics")
    void topKOverSeveralSweepBlocksEqualsTheDenseReferenceTopK(Metric metric) {
        Tensor x = RandomTensors.gaussian(51 + metric.ordinal(), 1300, 13).to(DType.FLOAT32);
        Tensor dense = options(metric, false, true, true).device(Device.REFERENCE).build().transform(x, LABELS);
        TopKRows top = StreamingOnBackend.streaming(new CpuBackend(2), options(metric, false, true, true).build(), x,
                LABELS).topK(9);
        DenseTopK.assertMatches(dense, top, 1e-4, metric + " top-9 over three sweep blocks");
    }

    static Stream<Metric> twoMetrics() {
        return Stream.of(Metric.values());
    }

    @Test
    void concurrentCallsOnOneBpaGiveTheSameRows() throws Exception {
        Tensor x = RandomTensors.gaussian(48, 300, 12).to(DType.FLOAT32);
        Bpa bpa = options(Metric.COSINE, false, true, true).device(Device.CPU).build();
        TopKRows alone = bpa.topK(x, 7);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            List<java.util.concurrent.Future<TopKRows>> runs = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                runs.add(pool.submit(() -> bpa.topK(x, 7)));
            }
            for (java.util.concurrent.Future<TopKRows> run : runs) {
                TopKRows top = run.get();
                assertArrayEquals(alone.valueArray(), top.valueArray());
                assertArrayEquals(alone.indexArray(), top.indexArray());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
