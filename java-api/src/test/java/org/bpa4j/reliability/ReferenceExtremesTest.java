package org.bpa4j.reliability;

import static org.bpa4j.reliability.ExtremeValuesTest.assertFinite;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.Tensor;
import org.bpa4j.testing.Closeness;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 6, item 4, for the oracle itself: the reference backend keeps its exact answers at scales where
 * squares overflow or underflow, and keeps a finite gradient where marginals have zero entries.
 */
class ReferenceExtremesTest {

    private static Tensor edit(Tensor x, UnaryOperator<double[]> change) {
        return Tensor.of(change.apply(x.toDoubleArray()), x.shape());
    }

    /** Scaling that the metric does not see: the reference gives the same Z as for the unscaled input. */
    @ParameterizedTest(name = "{0} × {1}")
    @CsvSource({"COSINE, 1e30", "COSINE, 1e-10", "EUCLIDEAN, 1e30",
        "EUCLIDEAN, 1e-30", "EUCLIDEAN, 1e-300", "EUCLIDEAN, 1e300"})
    void scaleInvarianceHoldsAtExtremeScales(Metric metric, double scale) {
        Tensor x = RandomTensors.gaussian(11, 8, 3);
        Tensor scaled = edit(x, v -> {
            for (int i = 0; i < v.length; i++) {
                v[i] *= scale;
            }
            return v;
        });
        Bpa bpa = Bpa.builder().device(Device.REFERENCE).precision(DType.FLOAT64).metric(metric).build();
        Closeness.assertClose(bpa.forward(x).output(), bpa.forward(scaled).output(), 1e-9, metric + " × " + scale);
    }

    /**
     * Zero entries in the marginals make rows and columns of logP −∞; the gradient on the others is still
     * defined (the softmax weights of a zero-mass row are), and finite differences agree with it.
     */
    @Test
    void zeroMassMarginalsHaveTheGradientThatFiniteDifferencesGive() {
        double[] c = RandomTensors.gaussian(31, 3, 4).toDoubleArray();
        Tensor a = Tensor.of(new double[] {0.5, 0, 0.5}, 3);
        Tensor b = Tensor.of(new double[] {0.25, 0.25, 0, 0.5}, 4);
        // G is zero where logP is −∞ (rows and columns of zero mass)
        double[] g = {1, -0.5, 0, 0.3, 0, 0, 0, 0, 0.7, 0.2, 0, -1};
        Sinkhorn sk = Sinkhorn.builder().device(Device.REFERENCE).precision(DType.FLOAT64).reg(0.1).iterations(3)
                .build();
        Tensor dc = sk.solve(Tensor.of(c, 3, 4), a, b).backward(Tensor.of(g, 3, 4));
        assertFinite(dc, "gradient");
        double h = 1e-6;
        for (int k = 0; k < c.length; k++) {
            double[] up = c.clone();
            double[] down = c.clone();
            up[k] += h;
            down[k] -= h;
            double fd = (weightedLogPlan(sk, up, a, b, g) - weightedLogPlan(sk, down, a, b, g)) / (2 * h);
            assertTrue(Math.abs(fd - dc.getDouble(k)) <= 1e-6 * Math.max(1, Math.abs(fd)),
                    "∂/∂C[" + k + "]: analytic " + dc.getDouble(k) + ", finite differences " + fd);
        }
    }

    private static double weightedLogPlan(Sinkhorn sk, double[] c, Tensor a, Tensor b, double[] g) {
        Tensor logP = sk.solve(Tensor.of(c, 3, 4), a, b).logPlan();
        double sum = 0;
        for (int k = 0; k < g.length; k++) {
            if (g[k] != 0) {
                sum += g[k] * logP.getDouble(k);
            }
        }
        return sum;
    }

}
