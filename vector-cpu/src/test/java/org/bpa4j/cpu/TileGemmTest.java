package org.bpa4j.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * C = A·B in all four operand orientations, for sizes on and off the tile (MR×NR), task block and
 * K-block boundaries: every entry is the product to float32 rounding, and the bits do not depend on the
 * thread count.
 */
class TileGemmTest {

    @ParameterizedTest(name = "m={0} n={1} k={2}")
    @CsvSource({"1, 1, 1", "6, 16, 3", "7, 17, 5", "13, 40, 256", "97, 129, 257", "200, 33, 600", "48, 300, 31"})
    void everyEntryIsTheProductInEveryOrientation(int m, int n, int k) {
        Random random = new Random(m * 1_000_000L + n * 1000L + k);
        double[][] a = gaussian(random, m, k);
        double[][] b = gaussian(random, k, n);
        for (boolean aTransposed : new boolean[] {false, true}) {
            for (boolean bTransposed : new boolean[] {false, true}) {
                float[] as = aTransposed ? stored(transpose(a)) : stored(a);
                float[] bs = bTransposed ? stored(transpose(b)) : stored(b);
                float[] c = TileGemm.multiply(as, aTransposed, bs, bTransposed, m, n, k, ThreadTeam.of(3));
                assertEquals(m * n, c.length);
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double exact = 0;
                        double scale = 0;
                        for (int kk = 0; kk < k; kk++) {
                            exact += (float) a[i][kk] * (double) (float) b[kk][j];
                            scale += Math.abs((float) a[i][kk] * (double) (float) b[kk][j]);
                        }
                        assertEquals(exact, c[i * n + j], 1e-5 * Math.max(scale, 1),
                                "C[" + i + "][" + j + "] aT=" + aTransposed + " bT=" + bTransposed);
                    }
                }
                float[] one = TileGemm.multiply(as, aTransposed, bs, bTransposed, m, n, k, ThreadTeam.SEQUENTIAL);
                assertArrayEquals(one, c, "one thread against three");
            }
        }
    }

    private static double[][] gaussian(Random random, int rows, int cols) {
        double[][] x = new double[rows][cols];
        for (double[] row : x) {
            for (int j = 0; j < cols; j++) {
                row[j] = random.nextGaussian();
            }
        }
        return x;
    }

    private static double[][] transpose(double[][] x) {
        double[][] t = new double[x[0].length][x.length];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                t[j][i] = x[i][j];
            }
        }
        return t;
    }

    private static float[] stored(double[][] x) {
        int cols = x[0].length;
        float[] out = new float[x.length * cols];
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = (float) x[i][j];
            }
        }
        return out;
    }
}
