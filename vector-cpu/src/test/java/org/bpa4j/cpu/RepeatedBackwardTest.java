package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The cosine backward on scaling vectors writes ∂L/∂logK over the kernel it keeps from the forward pass;
 * a second backward on the same result must solve again and give exactly what a fresh pass gives.
 */
class RepeatedBackwardTest {

    /** reg 0.1 cosine consumes the kernel; reg 0.01 (log domain) and euclidean keep it. */
    @ParameterizedTest(name = "B={0} n={1} d={2} {3} reg={4} threads={5}")
    @CsvSource({"1, 300, 24, COSINE, 0.1, 2", "1, 300, 24, COSINE, 0.1, 1", "4, 50, 8, COSINE, 0.1, 2",
        "1, 200, 12, COSINE, 0.01, 2", "1, 200, 12, EUCLIDEAN, 0.1, 2"})
    void everyBackwardMatchesAFreshPass(int sets, int n, int d, Metric metric, double reg, int threads) {
        Tensor x = (sets == 1 ? RandomTensors.gaussian(21, n, d) : RandomTensors.gaussian(21, sets, n, d))
                .to(DType.FLOAT32);
        Tensor g1 = (sets == 1 ? RandomTensors.gaussian(22, n, n) : RandomTensors.gaussian(22, sets, n, n))
                .to(DType.FLOAT32);
        Tensor g2 = (sets == 1 ? RandomTensors.gaussian(23, n, n) : RandomTensors.gaussian(23, sets, n, n))
                .to(DType.FLOAT32);
        BpaOptions options = new BpaOptions(metric, reg, 10, false, true, true, DType.FLOAT32);
        CpuBackend backend = new CpuBackend(threads);

        BpaPass pass = backend.bpa(options, x, null);
        float[] z = pass.output().toFloatArray();
        float[] first = pass.backward(g1).toFloatArray();
        float[] second = pass.backward(g2).toFloatArray();
        float[] again = pass.backward(g1).toFloatArray();

        assertArrayEquals(z, pass.output().toFloatArray(), "Z is untouched by the backward passes");
        assertArrayEquals(first, again, "the same ∂L/∂Z twice on one result");
        assertArrayEquals(backend.bpa(options, x, null).backward(g2).toFloatArray(), second,
                "a second backward against a fresh pass");
        assertFalse(java.util.Arrays.equals(first, second), "different ∂L/∂Z give different gradients");
    }
}
