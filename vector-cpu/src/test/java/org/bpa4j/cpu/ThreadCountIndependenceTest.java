package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.bpa4j.DType;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every reduction has a fixed order: the bits of every result are the same on 1, 2 or 3 threads. */
class ThreadCountIndependenceTest {

    /** reg 0.1 runs on scaling vectors, reg 0.01 in the log domain (the kernel spans more than 40). */
    @ParameterizedTest(name = "B={0} n={1} d={2} {3} reg={4}")
    @CsvSource({"1, 523, 37, COSINE, 0.1", "1, 301, 20, COSINE, 0.01", "1, 300, 20, EUCLIDEAN, 0.1",
        "6, 40, 16, COSINE, 0.1", "3, 129, 9, EUCLIDEAN, 0.01"})
    void bpaOutputAndGradientAreBitIdentical(int sets, int n, int d, Metric metric, double reg) {
        Tensor x = (sets == 1 ? RandomTensors.gaussian(5, n, d) : RandomTensors.gaussian(5, sets, n, d))
                .to(DType.FLOAT32);
        Tensor g = (sets == 1 ? RandomTensors.gaussian(6, n, n) : RandomTensors.gaussian(6, sets, n, n))
                .to(DType.FLOAT32);
        BpaOptions options = new BpaOptions(metric, reg, 10, false, true, true, DType.FLOAT32);
        float[][] reference = null;
        for (int threads : new int[] {1, 2, 3}) {
            BpaPass pass = new CpuBackend(threads).bpa(options, x, null);
            float[] out = pass.output().toFloatArray();
            float[] dx = pass.backward(g).toFloatArray();
            if (reference == null) {
                reference = new float[][] {out, dx};
            } else {
                assertArrayEquals(reference[0], out, "output with " + threads + " threads");
                assertArrayEquals(reference[1], dx, "gradient with " + threads + " threads");
            }
        }
    }

    @ParameterizedTest(name = "n={0} m={1}")
    @CsvSource({"700, 333", "64, 1000"})
    void sinkhornIsBitIdenticalWithATolerance(int n, int m) {
        Tensor cost = RandomTensors.gaussian(8, n, m).to(DType.FLOAT32);
        Tensor a = CpuVersusReferenceTest.marginal(9, 1, n, 1.0);
        Tensor b = CpuVersusReferenceTest.marginal(10, 1, m, 1.0);
        Tensor g = RandomTensors.gaussian(11, n, m).to(DType.FLOAT32);
        SinkhornOptions options = new SinkhornOptions(0.5, 40, 1e-4, 3, DType.FLOAT32);
        SinkhornPass first = new CpuBackend(1).sinkhorn(options, cost, a, b);
        SinkhornPass second = new CpuBackend(2).sinkhorn(options, cost, a, b);
        assertArrayEquals(first.iterations(), second.iterations());
        assertEquals(first.marginalError()[0], second.marginalError()[0]);
        assertArrayEquals(first.logPlan().toFloatArray(), second.logPlan().toFloatArray());
        assertArrayEquals(first.backward(g).toFloatArray(), second.backward(g).toFloatArray());
    }
}
