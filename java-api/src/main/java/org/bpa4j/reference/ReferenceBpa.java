package org.bpa4j.reference;

import org.bpa4j.Metric;
import org.bpa4j.spi.BpaOptions;

/**
 * BPA on one set, docs/MATH.md §2 forward and §3 backward, in double precision. Keeps the cost's state, logK
 * and the Sinkhorn duals between the two passes.
 */
final class ReferenceBpa {
    /** The masked diagonal's cost: exp(−1e5/ε) is 0 in every precision. */
    static final double MASKED_COST = org.bpa4j.spi.MathConstants.MASKED_COST;

    private final BpaOptions options;
    private final int n;
    private final int[] labels;
    private final CosineCost cosine;
    private final EuclideanCost euclidean;
    private final LogSinkhorn sinkhorn;
    /** Z before max-scaling, labels and diagonal. */
    private final double[] raw;
    private final double scale;

    ReferenceBpa(BpaOptions options, double[] x, int n, int d, int[] labels) {
        this.options = options;
        this.n = n;
        this.labels = labels;
        double[] cost;
        if (options.metric() == Metric.COSINE) {
            cosine = new CosineCost(x, n, d);
            euclidean = null;
            cost = cosine.cost();
        } else {
            cosine = null;
            euclidean = new EuclideanCost(x, n, d);
            cost = euclidean.cost();
        }
        double[] logK = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double c = options.maskDiagonal() && i == j ? MASKED_COST : cost[i * n + j];
                logK[i * n + j] = -c / options.reg();
            }
        }
        sinkhorn = new LogSinkhorn(logK, n, n, null, null, options.iterations(), Double.NaN, 1);
        raw = new double[n * n];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double lp = sinkhorn.logPlan(i, j);
                double z = options.sigmoid() ? sigmoid(lp) : Math.exp(lp);
                raw[i * n + j] = z;
                max = Math.max(max, z);
            }
        }
        scale = options.maxScale() ? max : 1.0;
    }

    static double sigmoid(double t) {
        return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
    }

    /** The largest entry of Z before scaling (the constant that max-scaling divides by). */
    double maxRaw() {
        double max = Double.NEGATIVE_INFINITY;
        for (double z : raw) {
            max = Math.max(max, z);
        }
        return max;
    }

    /** True where step 6 or 7 overwrites Z_ij (and no gradient passes). */
    boolean overwritten(int i, int j) {
        if (options.maskDiagonal() && i == j) {
            return true;
        }
        return labels != null && i < labels.length && j < labels.length;
    }

    double output(int i, int j) {
        if (options.maskDiagonal() && i == j) {
            return 1.0;
        }
        if (labels != null && i < labels.length && j < labels.length) {
            return labels[i] == labels[j] ? 1.0 : 0.0;
        }
        return raw[i * n + j] / scale;
    }

    /** ∂L/∂X for ∂L/∂Z given as a function of (i, j). */
    double[] backward(GradientSource grad) {
        double[] gLogP = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (overwritten(i, j)) {
                    continue;
                }
                double gz = grad.at(i, j) / scale;
                double z = raw[i * n + j];
                gLogP[i * n + j] = options.sigmoid() ? gz * z * (1 - z) : gz * z;
            }
        }
        double[] gLogK = sinkhorn.backward(gLogP);
        double[] gCost = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (options.maskDiagonal() && i == j) {
                    continue;
                }
                gCost[i * n + j] = -gLogK[i * n + j] / options.reg();
            }
        }
        return cosine != null ? cosine.backward(gCost) : euclidean.backward(gCost);
    }

    /** ∂L/∂Z_ij for one set. */
    interface GradientSource {
        double at(int i, int j);
    }
}
