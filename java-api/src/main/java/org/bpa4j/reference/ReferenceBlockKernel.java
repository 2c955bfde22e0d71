package org.bpa4j.reference;

import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;

/**
 * The streaming BPA's row-block operations in plain double precision, one cost entry at a time: the oracle the
 * fast block kernels are tested against. Holds the set's rows (normalised for cosine) and nothing n×n.
 */
final class ReferenceBlockKernel implements BlockKernel {
    private final BpaOptions options;
    private final int n;
    private final int d;
    /** Cosine: x̂ = x / max(‖x‖, 1e-12); euclidean: x times a power of two that keeps squares finite. */
    private final double[] rows;

    ReferenceBlockKernel(BpaOptions options, Tensor x) {
        this.options = options;
        this.n = x.rows();
        this.d = x.cols();
        double[] raw = x.toDoubleArray();
        this.rows = options.metric() == Metric.COSINE ? normalised(raw, n, d) : EuclideanCost.scaledSet(raw);
    }

    private static double[] normalised(double[] x, int n, int d) {
        double[] out = new double[n * d];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = 0; k < d; k++) {
                sq += x[i * d + k] * x[i * d + k];
            }
            double norm = Math.max(Math.sqrt(sq), ReferenceUnitRows.NORM_FLOOR);
            for (int k = 0; k < d; k++) {
                out[i * d + k] = x[i * d + k] / norm;
            }
        }
        return out;
    }

    @Override
    public int rows() {
        return n;
    }

    private double distance(int i, int j) {
        double sq = 0;
        for (int k = 0; k < d; k++) {
            double diff = rows[i * d + k] - rows[j * d + k];
            sq += diff * diff;
        }
        return Math.sqrt(sq);
    }

    /** logK_ij = −C_ij / ε (docs/MATH.md §2 steps 1–2). */
    private double logK(int i, int j, double maxDistance) {
        double c;
        if (options.maskDiagonal() && i == j) {
            c = ReferenceBpa.MASKED_COST;
        } else if (options.metric() == Metric.COSINE) {
            double dot = 0;
            for (int k = 0; k < d; k++) {
                dot += rows[i * d + k] * rows[j * d + k];
            }
            c = 1 - dot;
        } else {
            // every point the same: all distances 0, and so is the cost (no 0/0), as EuclideanCost
            c = maxDistance > 0 ? distance(i, j) / maxDistance : 0;
        }
        return -c / options.reg();
    }

    @Override
    public double maxDistance(int r0, int r1) {
        if (options.metric() != Metric.EUCLIDEAN) {
            return 0;
        }
        double max = 0;
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                max = Math.max(max, distance(i, j));
            }
        }
        return max;
    }

    @Override
    public void rowLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum, int at) {
        double[] terms = new double[n];
        for (int i = r0; i < r1; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                terms[j] = logK(i, j, maxDistance) + dual[j];
                m = Math.max(m, terms[j]);
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.exp(terms[j] - m);
            }
            max[at + i - r0] = m;
            sum[at + i - r0] = s;
        }
    }

    @Override
    public void columnLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum) {
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        java.util.Arrays.fill(sum, 0);
        for (int j = 0; j < n; j++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int i = r0; i < r1; i++) {
                m = Math.max(m, dual[i] + logK(i, j, maxDistance));
            }
            double s = 0;
            for (int i = r0; i < r1; i++) {
                s += Math.exp(dual[i] + logK(i, j, maxDistance) - m);
            }
            max[j] = m;
            sum[j] = s;
        }
    }

    @Override
    public void topK(int r0, int r1, double[] u, double[] v, double maxDistance, double divisor, int[] labels, int k,
            float[] values, long[] indices, int atRow) {
        double[] z = new double[n];
        Integer[] order = new Integer[n];
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                double lp = u[i] + logK(i, j, maxDistance) + v[j];
                double raw = options.sigmoid() ? ReferenceBpa.sigmoid(lp) : Math.exp(lp);
                z[j] = raw / divisor;
                if (labels != null && i < labels.length && j < labels.length) {
                    z[j] = labels[i] == labels[j] ? 1.0 : 0.0;
                }
                if (options.maskDiagonal() && i == j) {
                    z[j] = 1.0;
                }
                order[j] = j;
            }
            // descending value, ties to the lower index; rounded to float32 first, as the values are returned
            java.util.Arrays.sort(order, (a, b) -> {
                int c = Float.compare((float) z[b], (float) z[a]);
                return c != 0 ? c : Integer.compare(a, b);
            });
            int base = (i - r0 + atRow) * k;
            for (int c = 0; c < k; c++) {
                values[base + c] = (float) z[order[c]];
                indices[base + c] = order[c];
            }
        }
    }
}
