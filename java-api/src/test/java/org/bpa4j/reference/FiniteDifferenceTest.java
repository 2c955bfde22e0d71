package org.bpa4j.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.Stream;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Both analytic backward passes against central differences of L = Σ G ⊙ output, in float64. */
class FiniteDifferenceTest {
    private static final double H = 1e-6;

    static Stream<Arguments> bpaVariants() {
        return Stream.of(
                Arguments.of("cosine", Metric.COSINE, false, true, true, null),
                Arguments.of("euclidean", Metric.EUCLIDEAN, false, true, true, null),
                Arguments.of("sigmoid", Metric.COSINE, true, true, true, null),
                Arguments.of("no mask, no scale", Metric.COSINE, false, false, false, null),
                Arguments.of("euclidean, no mask", Metric.EUCLIDEAN, false, false, true, null),
                Arguments.of("labels", Metric.COSINE, false, true, true, new int[] {0, 1, 0}));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bpaVariants")
    void bpaGradientMatchesFiniteDifferences(String name, Metric metric, boolean sigmoid, boolean mask,
            boolean scale, int[] labels) {
        int n = 6;
        int d = 3;
        Bpa bpa = Bpa.builder().metric(metric).sigmoid(sigmoid).maskDiagonal(mask).maxScale(scale).reg(0.3)
                .iterations(4).device(Device.REFERENCE).precision(DType.FLOAT64).build();
        double[] x = RandomTensors.gaussian(21, n, d).toDoubleArray();
        Tensor g = RandomTensors.gaussian(22, n, n);
        Tensor analytic = bpa.forward(Tensor.of(x, n, d), labels).backward(g);
        // the max in max-scaling is a constant for the gradient: hold it fixed in the numerical loss too
        double fixedMax = scale ? unscaled(bpa, x, n, d, labels).maxRaw() : 1.0;
        for (int k = 0; k < x.length; k++) {
            double keep = x[k];
            x[k] = keep + H;
            double up = loss(bpa, x, n, d, labels, g, fixedMax);
            x[k] = keep - H;
            double down = loss(bpa, x, n, d, labels, g, fixedMax);
            x[k] = keep;
            double numeric = (up - down) / (2 * H);
            assertEquals(numeric, analytic.getDouble(k), 1e-6 * Math.max(1, Math.abs(numeric)), name + " dX[" + k + "]");
        }
    }

    private static ReferenceBpa unscaled(Bpa bpa, double[] x, int n, int d, int[] labels) {
        BpaOptions options = new BpaOptions(bpa.metric(), bpa.reg(), bpa.iterations(), bpa.sigmoid(),
                bpa.maskDiagonal(), false, DType.FLOAT64);
        return new ReferenceBpa(options, x.clone(), n, d, labels);
    }

    /** Σ G ⊙ Z with Z's scale held at {@code fixedMax}; overwritten entries are constants. */
    private static double loss(Bpa bpa, double[] x, int n, int d, int[] labels, Tensor g, double fixedMax) {
        ReferenceBpa ref = unscaled(bpa, x, n, d, labels);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                sum += g.get(i, j) * ref.output(i, j) / (ref.overwritten(i, j) ? 1.0 : fixedMax);
            }
        }
        return sum;
    }

    @Test
    void sinkhornGradientMatchesFiniteDifferences() {
        int n = 5;
        int m = 4;
        Sinkhorn sk = Sinkhorn.builder().reg(0.2).iterations(5).device(Device.REFERENCE).precision(DType.FLOAT64)
                .build();
        double[] c = RandomTensors.gaussian(31, n, m).toDoubleArray();
        Tensor g = RandomTensors.gaussian(32, n, m);
        double[] a = {0.1, 0.3, 0.2, 0.25, 0.15};
        double[] b = {0.4, 0.1, 0.3, 0.2};
        Tensor ta = Tensor.of(a, n);
        Tensor tb = Tensor.of(b, m);
        Tensor analytic = sk.solve(Tensor.of(c, n, m), ta, tb).backward(g);
        for (int k = 0; k < c.length; k++) {
            double keep = c[k];
            c[k] = keep + H;
            double up = dot(g, sk.solve(Tensor.of(c.clone(), n, m), ta, tb).logPlan());
            c[k] = keep - H;
            double down = dot(g, sk.solve(Tensor.of(c.clone(), n, m), ta, tb).logPlan());
            c[k] = keep;
            double numeric = (up - down) / (2 * H);
            assertEquals(numeric, analytic.getDouble(k), 1e-6 * Math.max(1, Math.abs(numeric)), "dC[" + k + "]");
        }
    }

    private static double dot(Tensor a, Tensor b) {
        double s = 0;
        for (long i = 0; i < a.size(); i++) {
            s += a.getDouble(i) * b.getDouble(i);
        }
        return s;
    }
}
