package org.bpa4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 3: one {@link Bpa}, one {@link Sinkhorn} and one {@link BamLoss} per backend, shared by 8
 * threads that each make 200 calls of mixed sizes (in an order of their own), give bit for bit what the
 * same calls give one by one. A workspace seen by two threads, or a result that depends on what ran beside
 * it, shows up as a difference.
 */
public class ConcurrencyTest {
    private static final int THREADS = 8;
    private static final int CALLS = 200;

    static List<Device> devices() {
        return AvailableDevices.all();
    }

    /**
     * One call's inputs; {@link #run} makes the call, forward and backward (and BPA's inference call too),
     * and returns every output.
     */
    record Call(int kind, Tensor input, Tensor grad, Tensor a, Tensor b, int[] labels) {
        double[][] run(Bpa bpa, Sinkhorn sinkhorn, BamLoss bam) {
            switch (kind) {
                case 0 -> {
                    BpaResult r = bpa.forward(input, labels);
                    return new double[][] {r.output().toDoubleArray(), r.backward(grad).toDoubleArray(),
                        bpa.transform(input, labels).toDoubleArray()};
                }
                case 1 -> {
                    SinkhornResult r = sinkhorn.solve(input, a, b);
                    return new double[][] {r.logPlan().toDoubleArray(), r.backward(grad).toDoubleArray(),
                        {r.iterations(), r.marginalError()}};
                }
                default -> {
                    BamResult r = bam.forward(input);
                    return new double[][] {{r.loss()}, r.backward().toDoubleArray()};
                }
            }
        }
    }

    /**
     * Mixed kinds and sizes: mostly small sets, some batches and, for the fast backends, a few sets past 128
     * rows (their row-parallel paths; the reference backend has no such path and is slow there).
     */
    static List<Call> calls(long seed, boolean someLarge) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Call> calls = new ArrayList<>();
        for (int c = 0; c < CALLS; c++) {
            long s = rnd.nextLong();
            int kind = c % 3;
            switch (kind) {
                case 0 -> {
                    boolean large = rnd.nextInt(25) == 0 && someLarge;
                    int n = large ? 130 + rnd.nextInt(40) : 2 + rnd.nextInt(30);
                    int d = 1 + rnd.nextInt(large ? 24 : 12);
                    int sets = large ? 1 : 1 + rnd.nextInt(3);
                    Tensor x = (sets == 1 ? RandomTensors.gaussian(s, n, d) : RandomTensors.gaussian(s, sets, n, d))
                            .to(DType.FLOAT32);
                    Tensor g = (sets == 1 ? RandomTensors.gaussian(s + 1, n, n)
                            : RandomTensors.gaussian(s + 1, sets, n, n)).to(DType.FLOAT32);
                    int[] labels = rnd.nextInt(4) == 0 ? java.util.Arrays.copyOf(new int[] {0, 1, 0}, Math.min(3, n))
                            : null;
                    calls.add(new Call(kind, x, g, null, null, labels));
                }
                case 1 -> {
                    int n = 1 + rnd.nextInt(40);
                    boolean marginals = rnd.nextBoolean();
                    // unit marginals balance only on a square cost (n ≠ m is refused: Sinkhorn.solve)
                    int m = marginals ? 1 + rnd.nextInt(40) : n;
                    Tensor cost = RandomTensors.gaussian(s, n, m).to(DType.FLOAT32);
                    Tensor g = RandomTensors.gaussian(s + 1, n, m).to(DType.FLOAT32);
                    calls.add(new Call(kind, cost, g, marginals ? mass(s + 2, n) : null,
                            marginals ? mass(s + 3, m) : null, null));
                }
                default -> {
                    int batch = 2 + rnd.nextInt(12);
                    calls.add(new Call(kind, RandomTensors.gaussian(s, 2 * batch, 1 + rnd.nextInt(16))
                            .to(DType.FLOAT32), null, null, null, null));
                }
            }
        }
        return calls;
    }

    /** Positive masses summing to 1, float64. */
    private static Tensor mass(long seed, int length) {
        SplittableRandom rnd = new SplittableRandom(seed);
        double[] v = new double[length];
        double sum = 0;
        for (int i = 0; i < length; i++) {
            v[i] = 0.1 + rnd.nextDouble();
            sum += v[i];
        }
        for (int i = 0; i < length; i++) {
            v[i] /= sum;
        }
        return Tensor.of(v, length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void sharedInstancesGiveTheSequentialResultsUnderLoad(Device device) throws Exception {
        Bpa bpa = Bpa.builder().device(device).metric(Metric.COSINE).build();
        Sinkhorn sinkhorn = Sinkhorn.builder().device(device).reg(0.2).iterations(60).tolerance(1e-5).checkEvery(3)
                .build();
        BamLoss bam = BamLoss.builder().device(device).build();
        List<Call> calls = calls(2026 + device.ordinal(), device != Device.REFERENCE);
        List<double[][]> sequential = new ArrayList<>();
        for (Call c : calls) {
            sequential.add(c.run(bpa, sinkhorn, bam));
        }

        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger compared = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int[] order = shuffled(calls.size(), t);
                done.add(pool.submit(() -> {
                    start.await();
                    for (int k : order) {
                        double[][] got = calls.get(k).run(bpa, sinkhorn, bam);
                        assertBitIdentical(sequential.get(k), got, device + " call " + k + " (kind "
                                + calls.get(k).kind() + ", input " + calls.get(k).input() + ")");
                        compared.incrementAndGet();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(THREADS * CALLS, compared.get());
    }

    private static int[] shuffled(int count, long seed) {
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int i = count - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    static void assertBitIdentical(double[][] expected, double[][] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        for (int p = 0; p < expected.length; p++) {
            assertEquals(expected[p].length, actual[p].length, what + ", part " + p);
            for (int i = 0; i < expected[p].length; i++) {
                long e = Double.doubleToLongBits(expected[p][i]);
                long a = Double.doubleToLongBits(actual[p][i]);
                assertTrue(e == a, what + ", part " + p + " index " + i + ": " + actual[p][i]
                        + " where one by one gave " + expected[p][i]);
            }
        }
    }
}
