package org.bpa4j.cpu;

import java.util.Arrays;
import org.bpa4j.spi.BamLayout;

/**
 * The target P of the BAM loss (docs/MATH.md §4 steps 4–5): P[j, ·] = softmax_c(A[j, c] + u_c), A = Q_tgt/ε with
 * the positives at −∞, and u the row duals of the SwAV scalings (the column duals, r, c, max(A) and sum(E)
 * cancel in the final normalisation).
 *
 * <p>Since Q_tgt holds cosines, each row of A spans at most 2/ε. When that fits float32's exponent range
 * (ε ≥ 2/{@value #SCALING_RANGE}, the default 0.05 included) the scalings run as the authors run them, on
 * K = exp(A − rowmax) with multiplicative factors: one exp per entry, then a dot product and a row update per
 * row and sweep. Below that, a log-domain sweep in double, so that a small ε cannot underflow a whole target.
 */
final class BamTarget {
    /** The widest row range of A that the scaling form takes: e^−60 is still a normal float. */
    static final double SCALING_RANGE = 60;
    /** Targets (columns) per parallel task in the log-domain column sweep. */
    private static final int COLUMN_BLOCK = 64;

    private BamTarget() {
    }

    /**
     * P for the rows of the large views, (largeCrops·B) × N_t row-major, each row summing to 1.
     *
     * @param qTarget Q_tgt, N × N_t row-major
     */
    static float[] plan(float[] qTarget, BamLayout layout, double reg, int iterations, int topK, ThreadTeam team) {
        float[] p = 2.0 / reg <= SCALING_RANGE ? scalingPlan(qTarget, layout, reg, iterations, team)
                : logDomainPlan(qTarget, layout, reg, iterations, team);
        if (topK > 0) {
            keepTopK(p, layout, topK, team);
        }
        return p;
    }

    /** −∞ at the row's positives (the same image in every target view), when masking. */
    static void maskPositives(float[] row, int j, BamLayout layout) {
        if (layout.positiveMasking()) {
            int b = layout.batch();
            for (int c = j % b; c < layout.targets(); c += b) {
                row[c] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    private static float[] scalingPlan(float[] q, BamLayout layout, double reg, int iterations, ThreadTeam team) {
        int n = layout.rows();
        int nt = layout.targets();
        float[] k = new float[n * nt];
        // the row factors: e^(rowmax) for the first column sweep (v = 0), then 1 / Σ_c K α
        float[] beta = new float[n];
        float inverseReg = (float) (1.0 / reg);
        RowChunks chunks = new RowChunks(n);
        team.forEach(chunks.count, ch -> {
            float[] s = new float[nt];
            float[] lanes = new float[RowKernels.L];
            for (int j = chunks.start(ch), end = chunks.end(ch); j < end; j++) {
                BamRows.scale(q, j * nt, inverseReg, s, nt);
                maskPositives(s, j, layout);
                float max = BamRows.max(s, nt);
                BamRows.expMinus(s, max, k, j * nt, nt, lanes);
                beta[j] = (float) Math.exp(max);
            }
        });
        float[] alpha = new float[nt];
        Arrays.fill(alpha, 1f);
        float[][] parts = new float[chunks.count][nt];
        for (int t = 0; t < iterations; t++) {
            boolean rowsFirst = t > 0;
            float[] a = alpha;
            team.forEach(chunks.count, ch -> {
                float[] part = parts[ch];
                Arrays.fill(part, 0f);
                float[] lanes = new float[RowKernels.L];
                for (int j = chunks.start(ch), end = chunks.end(ch); j < end; j++) {
                    if (rowsFirst) {
                        beta[j] = (float) (1.0 / BamRows.dot(k, j * nt, a, nt, lanes));
                    }
                    BamRows.axpy(beta[j], k, j * nt, part, nt);
                }
            });
            float[] next = new float[nt];
            for (int c = 0; c < nt; c++) {
                double sum = 0;
                for (float[] part : parts) {
                    sum += part[c];
                }
                next[c] = (float) (1.0 / sum);
            }
            alpha = next;
        }
        int large = layout.largeCrops() * layout.batch();
        float[] p = new float[large * nt];
        float[] a = alpha;
        RowChunks largeChunks = new RowChunks(large);
        team.forEach(largeChunks.count, ch -> {
            float[] lanes = new float[RowKernels.L];
            for (int j = largeChunks.start(ch), end = largeChunks.end(ch); j < end; j++) {
                float inv = (float) (1.0 / BamRows.dot(k, j * nt, a, nt, lanes));
                BamRows.productScaled(k, j * nt, a, inv, p, j * nt, nt);
            }
        });
        return p;
    }

    /** The same plan in the log domain, sums and exponentials in double. */
    private static float[] logDomainPlan(float[] qTarget, BamLayout layout, double reg, int iterations,
            ThreadTeam team) {
        int n = layout.rows();
        int nt = layout.targets();
        float[] a = new float[n * nt];
        float inverseReg = (float) (1.0 / reg);
        RowChunks chunks = new RowChunks(n);
        team.forEach(chunks.count, ch -> {
            for (int j = chunks.start(ch), end = chunks.end(ch); j < end; j++) {
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
            team.forEach(blocks, block -> {
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
            team.forEach(chunks.count, ch -> {
                for (int j = chunks.start(ch), end = chunks.end(ch); j < end; j++) {
                    v[j] = -logSumExp(a, j * nt, u, nt);
                }
            });
        }
        int large = layout.largeCrops() * layout.batch();
        float[] p = new float[large * nt];
        RowChunks largeChunks = new RowChunks(large);
        team.forEach(largeChunks.count, ch -> {
            for (int j = largeChunks.start(ch), end = largeChunks.end(ch); j < end; j++) {
                double lse = logSumExp(a, j * nt, u, nt);
                for (int c = 0; c < nt; c++) {
                    p[j * nt + c] = (float) Math.exp(a[j * nt + c] + u[c] - lse);
                }
            }
        });
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
    private static void keepTopK(float[] p, BamLayout layout, int topK, ThreadTeam team) {
        int b = layout.batch();
        int nt = layout.targets();
        int large = layout.largeCrops();
        RowChunks chunks = new RowChunks(b);
        team.forEach(chunks.count, ch -> {
            double[] mean = new double[nt];
            for (int i = chunks.start(ch), end = chunks.end(ch); i < end; i++) {
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
