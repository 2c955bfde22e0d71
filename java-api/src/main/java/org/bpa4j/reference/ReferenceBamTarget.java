package org.bpa4j.reference;

import java.util.Arrays;
import java.util.Comparator;
import org.bpa4j.spi.BamLayout;

/**
 * The target P of the BAM loss (docs/MATH.md §4 steps 4–5): a few SwAV-style Sinkhorn scalings of exp(Q_tgt/ε)
 * with the positives masked, then each row normalised; optionally only each row's top-k targets kept.
 *
 * <p>Computed in the log domain, which is the same arithmetic without the underflow: scaling the rows of
 * E by r/u and the columns by c/Σ is adding log-duals to A, and the final column normalisation (rows of
 * P) is a softmax over the targets in which the column duals and the constants r, c, max(A) and sum(E)
 * cancel. So P[j, ·] = softmax_c(A[j, c] + u_c) with the row duals u of the iterations.
 */
final class ReferenceBamTarget {
    private ReferenceBamTarget() {
    }

    /**
     * P restricted to the rows of the large views: (largeCrops·B) × N_t, row-major, every row summing to 1.
     *
     * @param qTarget the target similarities Q_tgt, N × N_t, row-major
     */
    static double[] plan(double[] qTarget, BamLayout layout, double reg, int iterations, int topK) {
        int n = layout.rows();
        int nt = layout.targets();
        double[] a = new double[n * nt];
        for (int j = 0; j < n; j++) {
            for (int c = 0; c < nt; c++) {
                a[j * nt + c] = layout.masked(j, c) ? Double.NEGATIVE_INFINITY : qTarget[j * nt + c] / reg;
            }
        }
        double[] u = new double[nt];
        double[] v = new double[n];
        double[] column = new double[n];
        double[] row = new double[nt];
        for (int t = 0; t < iterations; t++) {
            // scale each target (a row of E = exp(A)ᵀ) to the same sum
            for (int c = 0; c < nt; c++) {
                for (int j = 0; j < n; j++) {
                    column[j] = a[j * nt + c] + v[j];
                }
                u[c] = -logSumExp(column, n);
            }
            // then each source (a column of E)
            for (int j = 0; j < n; j++) {
                for (int c = 0; c < nt; c++) {
                    row[c] = a[j * nt + c] + u[c];
                }
                v[j] = -logSumExp(row, nt);
            }
        }
        int large = layout.largeCrops() * layout.batch();
        double[] p = new double[large * nt];
        for (int j = 0; j < large; j++) {
            for (int c = 0; c < nt; c++) {
                row[c] = a[j * nt + c] + u[c];
            }
            double lse = logSumExp(row, nt);
            for (int c = 0; c < nt; c++) {
                p[j * nt + c] = Math.exp(row[c] - lse);
            }
        }
        if (topK > 0) {
            keepTopK(p, layout, topK);
        }
        return p;
    }

    /** docs/MATH.md §4 step 5: the top-k targets of the mean over the large views, kept in every view, renormalised. */
    private static void keepTopK(double[] p, BamLayout layout, int topK) {
        int b = layout.batch();
        int nt = layout.targets();
        int large = layout.largeCrops();
        for (int i = 0; i < b; i++) {
            double[] mean = new double[nt];
            for (int v = 0; v < large; v++) {
                for (int c = 0; c < nt; c++) {
                    mean[c] += p[(v * b + i) * nt + c];
                }
            }
            for (int c = 0; c < nt; c++) {
                mean[c] /= large;
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
                    p[base + c] /= sum;
                }
            }
        }
    }

    /** The k largest entries; ties go to the lower index (PyTorch leaves the order of ties unspecified). */
    static boolean[] topIndices(double[] values, int k) {
        Integer[] order = new Integer[values.length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -values[c]).thenComparingInt(c -> c));
        boolean[] keep = new boolean[values.length];
        for (int r = 0; r < k; r++) {
            keep[order[r]] = true;
        }
        return keep;
    }

    /** log Σ exp(x), max-shifted; −∞ when every entry is −∞. */
    static double logSumExp(double[] x, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < length; k++) {
            max = Math.max(max, x[k]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int k = 0; k < length; k++) {
            sum += Math.exp(x[k] - max);
        }
        return max + Math.log(sum);
    }
}
