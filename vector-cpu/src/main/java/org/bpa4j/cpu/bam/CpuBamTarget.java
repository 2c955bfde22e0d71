package org.bpa4j.cpu.bam;

import java.util.Arrays;
import org.bpa4j.spi.BamLayout;

/**
 * The target P of the BAM loss (docs/MATH.md §4 steps 4–5) in the log domain, as the reference backend computes
 * it: P[j, ·] = softmax_c(A[j, c] + u_c), A = Q_tgt/ε with the positives at −∞, and u the row duals of the
 * SwAV scalings (the column duals, r, c, max(A) and sum(E) cancel in the final normalisation). Sums and
 * exponentials in double, so that a small ε cannot underflow a whole target.
 */
final class CpuBamTarget {
    /** Targets (columns) per parallel task in the column sweep. */
    private static final int COLUMN_BLOCK = 64;

    private CpuBamTarget() {
    }

    /**
     * P for the rows of the large views, (largeCrops·B) × N_t row-major, each row summing to 1.
     *
     * @param qTarget Q_tgt, N × N_t row-major
     */
    static float[] plan(float[] qTarget, BamLayout layout, double reg, int iterations, int topK, ParallelLoop loop) {
        int n = layout.rows();
        int nt = layout.targets();
        float[] a = new float[n * nt];
        float inverseReg = (float) (1.0 / reg);
        loop.forEach(CpuUnitRows.chunks(n), chunk -> {
            for (int j = chunk * CpuUnitRows.CHUNK, end = Math.min(n, j + CpuUnitRows.CHUNK); j < end; j++) {
                for (int c = 0; c < nt; c++) {
                    a[j * nt + c] = layout.masked(j, c) ? Float.NEGATIVE_INFINITY : qTarget[j * nt + c] * inverseReg;
                }
            }
        });
        double[] u = new double[nt];
        double[] v = new double[n];
        int blocks = (nt + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        for (int t = 0; t < iterations; t++) {
            // u_c = −LSE_j (A[j, c] + v_j): column sweeps, a block of targets per task
            loop.forEach(blocks, block -> {
                int c0 = block * COLUMN_BLOCK;
                int c1 = Math.min(nt, c0 + COLUMN_BLOCK);
                double[] max = new double[c1 - c0];
                Arrays.fill(max, Double.NEGATIVE_INFINITY);
                for (int j = 0; j < n; j++) {
                    for (int c = c0; c < c1; c++) {
                        max[c - c0] = Math.max(max[c - c0], a[j * nt + c] + v[j]);
                    }
                }
                double[] sum = new double[c1 - c0];
                for (int j = 0; j < n; j++) {
                    for (int c = c0; c < c1; c++) {
                        sum[c - c0] += Math.exp(a[j * nt + c] + v[j] - max[c - c0]);
                    }
                }
                for (int c = c0; c < c1; c++) {
                    u[c] = -(max[c - c0] + Math.log(sum[c - c0]));
                }
            });
            // v_j = −LSE_c (A[j, c] + u_c): row sweeps
            loop.forEach(CpuUnitRows.chunks(n), chunk -> {
                for (int j = chunk * CpuUnitRows.CHUNK, end = Math.min(n, j + CpuUnitRows.CHUNK); j < end; j++) {
                    v[j] = -logSumExp(a, j * nt, u, nt);
                }
            });
        }
        int large = layout.largeCrops() * layout.batch();
        float[] p = new float[large * nt];
        loop.forEach(CpuUnitRows.chunks(large), chunk -> {
            for (int j = chunk * CpuUnitRows.CHUNK, end = Math.min(large, j + CpuUnitRows.CHUNK); j < end; j++) {
                double lse = logSumExp(a, j * nt, u, nt);
                for (int c = 0; c < nt; c++) {
                    p[j * nt + c] = (float) Math.exp(a[j * nt + c] + u[c] - lse);
                }
            }
        });
        if (topK > 0) {
            keepTopK(p, layout, topK, loop);
        }
        return p;
    }

    /** log Σ_c exp(a[ao + c] + b[c]), max-shifted. */
    private static double logSumExp(float[] a, int ao, double[] b, int len) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < len; c++) {
            max = Math.max(max, a[ao + c] + b[c]);
        }
        double sum = 0;
        for (int c = 0; c < len; c++) {
            sum += Math.exp(a[ao + c] + b[c] - max);
        }
        return max + Math.log(sum);
    }

    /** docs/MATH.md §4 step 5: each image's top-k targets by the mean over the large views, kept, renormalised. */
    private static void keepTopK(float[] p, BamLayout layout, int topK, ParallelLoop loop) {
        int b = layout.batch();
        int nt = layout.targets();
        int large = layout.largeCrops();
        loop.forEach(CpuUnitRows.chunks(b), chunk -> {
            double[] mean = new double[nt];
            for (int i = chunk * CpuUnitRows.CHUNK, end = Math.min(b, i + CpuUnitRows.CHUNK); i < end; i++) {
                Arrays.fill(mean, 0);
                for (int v = 0; v < large; v++) {
                    for (int c = 0; c < nt; c++) {
                        mean[c] += p[(v * b + i) * nt + c];
                    }
                }
                boolean[] keep = topIndices(mean, topK);
                for (int v = 0; v < large; v++) {
                    int base = (v * b + i) * nt;
                    double sum = 0;
                    for (int c = 0; c < nt; c++) {
                        if (!keep[c]) {
                            p[base + c] = 0;
                        }
                        sum += p[base + c];
                    }
                    for (int c = 0; c < nt; c++) {
                        p[base + c] = (float) (p[base + c] / sum);
                    }
                }
            }
        });
    }

    /** The k largest entries; ties go to the lower index, as in the reference backend. */
    private static boolean[] topIndices(double[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (x, y) -> {
            int byValue = Double.compare(values[y], values[x]);
            return byValue != 0 ? byValue : Integer.compare(x, y);
        });
        boolean[] keep = new boolean[values.length];
        for (int r = 0; r < k; r++) {
            keep[order[r]] = true;
        }
        return keep;
    }
}
