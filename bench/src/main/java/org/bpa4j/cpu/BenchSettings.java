package org.bpa4j.cpu;

import java.util.SplittableRandom;

/**
 * Shared inputs of the benchmarks. The benchmarks live in the backend's package (split across the class
 * path, which JMH runs on) so that they can time its package-private kernels one by one.
 */
final class BenchSettings {
    /** Sets of an episode batch: n = 80 is timed as 256 sets, as few-shot training runs it. */
    static final int EPISODE_ROWS = 80;
    static final int EPISODE_BATCH = 256;

    private BenchSettings() {
    }

    static int sets(int n) {
        return n == EPISODE_ROWS ? EPISODE_BATCH : 1;
    }

    static float[] gaussian(long seed, int size) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[size];
        for (int i = 0; i < size; i++) {
            double u1 = rnd.nextDouble();
            double u2 = rnd.nextDouble();
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
        }
        return v;
    }

    /** Rows of unit length, as the cosine cost feeds the GEMM. */
    static float[] unitRows(long seed, int n, int d) {
        float[] x = gaussian(seed, n * d);
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = 0; k < d; k++) {
                sq += x[i * d + k] * x[i * d + k];
            }
            float inv = (float) (1 / Math.sqrt(sq));
            for (int k = 0; k < d; k++) {
                x[i * d + k] *= inv;
            }
        }
        return x;
    }
}
