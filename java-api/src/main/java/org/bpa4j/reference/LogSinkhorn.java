package org.bpa4j.reference;

/**
 * Log-domain Sinkhorn of docs/MATH.md §1 in double precision, keeping every iteration's duals so that the
 * backward pass can recompute the plans it needs instead of storing them (O(T·n) memory, not O(T·n²)).
 */
final class LogSinkhorn {
    /** logK, n×m row-major. Not copied: the caller keeps it alive for the backward pass. */
    final double[] logK;
    final int n;
    final int m;
    final double[] logA;
    final double[] logB;
    /** u[t] for t = 1..T (u[0] unused); v[t] for t = 0..T with v[0] = 0. */
    final double[][] u;
    final double[][] v;
    final int iterations;
    final double marginalError;

    /**
     * Runs up to {@code maxIterations}; with a tolerance (not NaN) stops at the first checked iteration
     * whose row-marginal error ‖P·1 − a‖₁ is at most the tolerance.
     */
    LogSinkhorn(double[] logK, int n, int m, double[] logA, double[] logB, int maxIterations, double tolerance,
            int checkEvery) {
        this.logK = logK;
        this.n = n;
        this.m = m;
        this.logA = logA;
        this.logB = logB;
        double[][] us = new double[maxIterations + 1][];
        double[][] vs = new double[maxIterations + 1][];
        vs[0] = new double[m];
        int t = 0;
        double error = Double.NaN;
        while (t < maxIterations) {
            t++;
            us[t] = rowStep(vs[t - 1]);
            vs[t] = columnStep(us[t]);
            boolean check = !Double.isNaN(tolerance) && (t % checkEvery == 0 || t == maxIterations);
            if (check || t == maxIterations) {
                error = rowMarginalError(us[t], vs[t]);
                if (check && error <= tolerance) {
                    break;
                }
            }
        }
        this.iterations = t;
        this.u = java.util.Arrays.copyOf(us, t + 1);
        this.v = java.util.Arrays.copyOf(vs, t + 1);
        this.marginalError = error;
    }

    /** u_i = α_i − LSE_j(logK_ij + v_j). */
    private double[] rowStep(double[] v) {
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                max = Math.max(max, logK[i * m + j] + v[j]);
            }
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += Math.exp(logK[i * m + j] + v[j] - max);
            }
            u[i] = alpha(i) - (max + Math.log(sum));
        }
        return u;
    }

    /** v_j = β_j − LSE_i(u_i + logK_ij). */
    private double[] columnStep(double[] u) {
        double[] v = new double[m];
        for (int j = 0; j < m; j++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, u[i] + logK[i * m + j]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(u[i] + logK[i * m + j] - max);
            }
            v[j] = beta(j) - (max + Math.log(sum));
        }
        return v;
    }

    /** Σ_i |Σ_j P_ij − a_i| for P = exp(u_i + logK_ij + v_j). */
    private double rowMarginalError(double[] u, double[] v) {
        double error = 0;
        for (int i = 0; i < n; i++) {
            double row = 0;
            for (int j = 0; j < m; j++) {
                row += Math.exp(u[i] + logK[i * m + j] + v[j]);
            }
            error += Math.abs(row - Math.exp(alpha(i)));
        }
        return error;
    }

    private double alpha(int i) {
        return logA == null ? 0 : logA[i];
    }

    private double beta(int j) {
        return logB == null ? 0 : logB[j];
    }

    /** logP_ij = u_i + logK_ij + v_j with the final duals. */
    double logPlan(int i, int j) {
        return u[iterations][i] + logK[i * m + j] + v[iterations][j];
    }

    /**
     * ∂L/∂logK given ∂L/∂logP (docs/MATH.md §3): reverse-mode through the unrolled iterations, recomputing the
     * plans Pᶜ and Pʳ of each iteration from logK and the stored duals.
     */
    double[] backward(double[] gradLogP) {
        double[] gradLogK = gradLogP.clone();
        double[] gu = new double[n];
        double[] gv = new double[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                gu[i] += gradLogP[i * m + j];
                gv[j] += gradLogP[i * m + j];
            }
        }
        for (int t = iterations; t >= 1; t--) {
            double[] ut = u[t];
            double[] vt = v[t];
            double[] vPrev = v[t - 1];
            // column step v_j = β_j − LSE_i(u_i + logK_ij): ∂v_j/∂(u_i + logK_ij) = −Pᶜ_ij / b_j
            double[] columnShift = columnShifts(ut, vt);
            for (int i = 0; i < n; i++) {
                double acc = 0;
                for (int j = 0; j < m; j++) {
                    double w = gv[j] * Math.exp(ut[i] + logK[i * m + j] + columnShift[j]);
                    acc += w;
                    gradLogK[i * m + j] -= w;
                }
                gu[i] -= acc;
            }
            // row step u_i = α_i − LSE_j(logK_ij + v_j): ∂u_i/∂(logK_ij + v_j) = −Pʳ_ij / a_i
            double[] gvPrev = new double[m];
            double[] rowShift = rowShifts(ut, vPrev);
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    double w = gu[i] * Math.exp(rowShift[i] + logK[i * m + j] + vPrev[j]);
                    gvPrev[j] -= w;
                    gradLogK[i * m + j] -= w;
                }
            }
            gv = gvPrev;
            gu = new double[n];
        }
        return gradLogK;
    }

    /**
     * u_i − α_i = −LSE_j(logK_ij + v_j). Taken as that difference where α_i is finite; where a_i = 0 (α_i =
     * −∞, so u_i = −∞ too) the difference is NaN, and the LSE is computed instead: the row's softmax weights
     * are still defined, and they are what the gradient needs.
     */
    private double[] rowShifts(double[] u, double[] v) {
        double[] shift = new double[n];
        for (int i = 0; i < n; i++) {
            if (alpha(i) != Double.NEGATIVE_INFINITY) {
                shift[i] = u[i] - alpha(i);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < m; j++) {
                max = Math.max(max, logK[i * m + j] + v[j]);
            }
            double sum = 0;
            for (int j = 0; j < m; j++) {
                sum += Math.exp(logK[i * m + j] + v[j] - max);
            }
            shift[i] = -(max + Math.log(sum));
        }
        return shift;
    }

    /** v_j − β_j = −LSE_i(u_i + logK_ij), computed as such where b_j = 0 (see {@link #rowShifts}). */
    private double[] columnShifts(double[] u, double[] v) {
        double[] shift = new double[m];
        for (int j = 0; j < m; j++) {
            if (beta(j) != Double.NEGATIVE_INFINITY) {
                shift[j] = v[j] - beta(j);
                continue;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                max = Math.max(max, u[i] + logK[i * m + j]);
            }
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(u[i] + logK[i * m + j] - max);
            }
            shift[j] = -(max + Math.log(sum));
        }
        return shift;
    }
}
