package org.bpa4j.cpu;

import static org.bpa4j.testing.Closeness.assertClose;

import java.util.stream.Stream;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Random inputs of many shapes — odd sizes, n not a multiple of the vector length, d = 1, n = 2, batches —
 * through the CPU backend and the reference backend: outputs and gradients agree.
 */
class CpuVersusReferenceTest {
    private static final double TOL = 5e-4;

    @BeforeEach
    void atTheRequestedVectorWidth() {
        RequestedVectorWidth.checkOrSkip();
    }

    static Stream<Arguments> bpaShapes() {
        return Stream.of(
                // sets, n, d, metric, reg, iterations, sigmoid, mask, maxScale, labelled rows
                Arguments.of(1, 2, 1, Metric.COSINE, 0.1, 10, false, true, true, 0),
                Arguments.of(1, 3, 2, Metric.EUCLIDEAN, 0.2, 5, false, false, true, 0),
                Arguments.of(1, 7, 1, Metric.EUCLIDEAN, 0.3, 4, false, true, true, 0),
                Arguments.of(1, 17, 5, Metric.COSINE, 0.1, 10, true, true, true, 0),
                Arguments.of(1, 33, 19, Metric.COSINE, 0.05, 20, false, true, false, 0),
                Arguments.of(1, 45, 9, Metric.EUCLIDEAN, 0.2, 7, true, false, false, 0),
                Arguments.of(1, 131, 24, Metric.COSINE, 0.1, 10, false, true, true, 12),
                Arguments.of(1, 200, 70, Metric.EUCLIDEAN, 0.25, 6, false, true, true, 0),
                Arguments.of(1, 301, 17, Metric.COSINE, 0.1, 3, false, true, true, 0),
                Arguments.of(3, 20, 8, Metric.COSINE, 0.1, 10, false, true, true, 5),
                Arguments.of(5, 9, 33, Metric.EUCLIDEAN, 0.3, 5, true, true, true, 0),
                Arguments.of(2, 150, 12, Metric.COSINE, 0.2, 4, false, true, true, 0));
    }

    @ParameterizedTest(name = "B={0} n={1} d={2} {3} reg={4} T={5} sigmoid={6} mask={7} scale={8} L={9}")
    @MethodSource("bpaShapes")
    void bpaAgreesWithTheReference(int sets, int n, int d, Metric metric, double reg, int iterations, boolean sigmoid,
            boolean mask, boolean maxScale, int labelled) {
        long seed = 31L * n + 7L * d + sets;
        Tensor x = sets == 1 ? RandomTensors.gaussian(seed, n, d) : RandomTensors.gaussian(seed, sets, n, d);
        Tensor g = sets == 1 ? RandomTensors.gaussian(seed + 1, n, n) : RandomTensors.gaussian(seed + 1, sets, n, n);
        int[] labels = null;
        if (labelled > 0) {
            labels = new int[labelled];
            for (int i = 0; i < labelled; i++) {
                labels[i] = i % 3;
            }
        }
        Bpa.Builder builder = Bpa.builder().metric(metric).reg(reg).iterations(iterations).sigmoid(sigmoid)
                .maskDiagonal(mask).maxScale(maxScale);
        BpaResult expected = builder.device(Device.REFERENCE).precision(DType.FLOAT64).build().forward(x, labels);
        BpaResult actual = builder.device(Device.CPU).precision(DType.FLOAT32).build()
                .forward(x.to(DType.FLOAT32), labels);
        String what = "B=" + sets + " n=" + n + " d=" + d + " " + metric.label();
        assertClose(expected.output(), actual.output(), TOL, what + " output");
        assertClose(expected.backward(g), actual.backward(g.to(DType.FLOAT32)), TOL, what + " gradient");
    }

    static Stream<Arguments> sinkhornShapes() {
        return Stream.of(
                Arguments.of(1, 2, 2, 0.1, 10),
                Arguments.of(1, 5, 23, 0.05, 15),
                Arguments.of(1, 41, 3, 0.2, 8),
                Arguments.of(1, 150, 97, 0.1, 12),
                Arguments.of(4, 13, 17, 0.1, 6));
    }

    @ParameterizedTest(name = "B={0} n={1} m={2} reg={3} T={4}")
    @MethodSource("sinkhornShapes")
    void sinkhornWithMarginalsAgreesWithTheReference(int sets, int n, int m, double reg, int iterations) {
        long seed = 1000L + n * 13L + m;
        Tensor cost = positive(RandomTensors.gaussian(seed, sets == 1 ? new int[] {n, m} : new int[] {sets, n, m}));
        Tensor a = marginal(seed + 1, sets, n, 3.0);
        Tensor b = marginal(seed + 2, sets, m, 3.0);
        Tensor g = RandomTensors.gaussian(seed + 3, cost.shape());
        Sinkhorn.Builder builder = Sinkhorn.builder().reg(reg).iterations(iterations);
        SinkhornResult expected = builder.device(Device.REFERENCE).precision(DType.FLOAT64).build().solve(cost, a, b);
        SinkhornResult actual = builder.device(Device.CPU).precision(DType.FLOAT32).build()
                .solve(cost.to(DType.FLOAT32), a, b);
        String what = "B=" + sets + " " + n + "x" + m;
        assertClose(expected.logPlan(), actual.logPlan(), TOL, what + " logP");
        assertClose(expected.u(), actual.u(), TOL, what + " u");
        assertClose(expected.v(), actual.v(), TOL, what + " v");
        assertClose(expected.backward(g), actual.backward(g.to(DType.FLOAT32)), TOL, what + " gradient");
        org.junit.jupiter.api.Assertions.assertEquals(expected.marginalError(), actual.marginalError(),
                1e-4 * 3.0 * n, what + " marginal error");
    }

    /** |N(0,1)| + 0.1: a cost with a spread of values. */
    private static Tensor positive(Tensor t) {
        Tensor out = Tensor.zeros(DType.FLOAT64, t.shape());
        for (long i = 0; i < t.size(); i++) {
            out.setDouble(i, Math.abs(t.getDouble(i)) + 0.1);
        }
        return out;
    }

    /** Positive masses summing to {@code total} in every set. */
    static Tensor marginal(long seed, int sets, int length, double total) {
        Tensor r = RandomTensors.gaussian(seed, sets * length);
        double[] out = new double[sets * length];
        for (int s = 0; s < sets; s++) {
            double sum = 0;
            for (int i = 0; i < length; i++) {
                out[s * length + i] = Math.exp(0.5 * r.getDouble(s * length + i));
                sum += out[s * length + i];
            }
            for (int i = 0; i < length; i++) {
                out[s * length + i] *= total / sum;
            }
        }
        return sets == 1 ? Tensor.of(out, length) : Tensor.of(out, sets, length);
    }
}
