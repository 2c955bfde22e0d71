package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The GEMM computes the blocks on and above the diagonal and mirrors each finished tile below it: every
 * entry must be the product (to float32 rounding) and G exactly symmetric, for sizes on and off the tile,
 * panel and K-block boundaries, on any thread count.
 */
class SymmetricGramTest {

    @ParameterizedTest(name = "n={0} d={1} threads={2}")
    @CsvSource({"1, 3, 1", "7, 5, 2", "8, 1, 2", "33, 17, 2", "64, 64, 3", "65, 300, 2", "200, 9, 2",
        "257, 130, 3", "300, 2, 1"})
    void everyEntryIsTheProductAndGIsExactlySymmetric(int n, int d, int threads) {
        Random random = new Random(n * 1000L + d);
        float[] a = new float[n * d];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) random.nextGaussian();
        }
        float[] g = new float[n * n];
        java.util.Arrays.fill(g, Float.NaN); // an entry nobody writes stays NaN and fails below
        SymmetricGram.compute(a, n, d, g, (i, j0, src, so, len, out, oo) -> System.arraycopy(src, so, out, oo, len),
                ThreadTeam.of(threads));
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double exact = 0;
                double scale = 0;
                for (int k = 0; k < d; k++) {
                    exact += (double) a[i * d + k] * a[j * d + k];
                    scale += Math.abs((double) a[i * d + k] * a[j * d + k]);
                }
                float gij = g[i * n + j];
                assertEquals(exact, gij, 1e-5 * Math.max(scale, 1), "G[" + i + "][" + j + "]");
                assertEquals(Float.floatToRawIntBits(g[j * n + i]), Float.floatToRawIntBits(gij),
                        "G[" + j + "][" + i + "] against G[" + i + "][" + j + "]");
            }
        }
    }
}
