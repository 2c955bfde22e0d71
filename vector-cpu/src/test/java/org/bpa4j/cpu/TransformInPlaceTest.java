package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaOutput;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Inference writes Z over the kernel (one set) or through a scratch kernel per set (a batch, float64): the
 * bits must be those of the forward pass that keeps its kernel, whatever the path and the thread count.
 */
class TransformInPlaceTest {

    @ParameterizedTest(name = "B={0} n={1} d={2} {3} reg={4} sigmoid={5} maxScale={6} mask={7} labels={8} {9}")
    @CsvSource({
        "1, 301, 17, COSINE, 0.1, false, true, true, 0, FLOAT32",
        "1, 301, 17, COSINE, 0.01, false, true, true, 0, FLOAT32",
        "1, 200, 9, EUCLIDEAN, 0.1, false, true, true, 0, FLOAT32",
        "1, 200, 9, COSINE, 0.1, true, true, true, 0, FLOAT32",
        "1, 200, 9, COSINE, 0.1, false, false, false, 0, FLOAT32",
        "1, 150, 8, COSINE, 0.1, false, true, true, 25, FLOAT32",
        "1, 150, 8, COSINE, 0.1, false, true, true, 25, FLOAT64",
        "5, 40, 6, COSINE, 0.1, false, true, true, 10, FLOAT32",
        "3, 130, 6, EUCLIDEAN, 0.05, true, true, true, 0, FLOAT32",
    })
    void inferenceGivesTheForwardPassBits(int sets, int n, int d, Metric metric, double reg, boolean sigmoid,
            boolean maxScale, boolean mask, int labelled, DType precision) {
        Tensor x = (sets == 1 ? RandomTensors.gaussian(31, n, d) : RandomTensors.gaussian(31, sets, n, d))
                .to(precision);
        int[][] labels = null;
        if (labelled > 0) {
            labels = new int[sets][labelled];
            for (int b = 0; b < sets; b++) {
                for (int i = 0; i < labelled; i++) {
                    labels[b][i] = (i * 7 + b) % 5;
                }
            }
        }
        BpaOptions options = new BpaOptions(metric, reg, 10, sigmoid, mask, maxScale, precision);
        BpaPass pass = new CpuBackend(2).bpa(options, x, labels);
        assertTrue(pass.outputVerifiedFinite(), "the forward pass checked its output");
        for (int threads : new int[] {1, 2, 3}) {
            BpaOutput out = new CpuBackend(threads).bpaInference(options, x, labels);
            assertTrue(out.verifiedFinite(), "inference checked its output");
            assertArrayEquals(pass.output().shape(), out.z().shape());
            assertArrayEquals(pass.output().toDoubleArray(), out.z().toDoubleArray(), threads + " threads");
        }
    }

    /** A batch of one set, (1, n, d), takes the in-place path too and keeps its (1, n, n) shape. */
    @org.junit.jupiter.api.Test
    void aBatchOfOneSetKeepsItsShapeAndBits() {
        Tensor x = RandomTensors.gaussian(32, 1, 150, 7).to(DType.FLOAT32);
        BpaOptions options = new BpaOptions(Metric.COSINE, 0.1, 10, false, true, true, DType.FLOAT32);
        BpaPass pass = new CpuBackend(2).bpa(options, x, null);
        BpaOutput out = new CpuBackend(2).bpaInference(options, x, null);
        assertArrayEquals(new int[] {1, 150, 150}, out.z().shape());
        assertArrayEquals(pass.output().toDoubleArray(), out.z().toDoubleArray());
    }
}
