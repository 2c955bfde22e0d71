package org.bpa4j.reference;

/**
 * C = D / max D with D_ij = ‖x_i − x_j‖ (docs/MATH.md §2). The max is not a constant for the gradient: its share
 * goes evenly to every entry attaining it (PyTorch's rule for a full max).
 */
final class EuclideanCost {
    /**
     * Beyond these magnitudes a squared difference overflows to infinity (C = ∞/∞ = NaN) or underflows to
     * 0 (every distance 0): the set is then scaled by a power of two first, which C does not see.
     */
    private static final double LARGE = 0x1p500;
    private static final double SMALL = 0x1p-500;

    private final int n;
    private final int d;
    /** X, times {@link #scale}. */
    private final double[] x;
    /** D and its max, times {@link #scale}. */
    private final double[] dist;
    private final double max;
    /** 1, or the power of two that brings an extreme set's largest |x| near 1 (exact: no rounding). */
    private final double scale;

    EuclideanCost(double[] x, int n, int d) {
        this.n = n;
        this.d = d;
        this.scale = scaleFor(x);
        this.x = scale == 1 ? x : scaled(x, scale);
        x = this.x;
        this.dist = new double[n * n];
        double mx = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double sq = 0;
                for (int k = 0; k < d; k++) {
                    double diff = x[i * d + k] - x[j * d + k];
                    sq += diff * diff;
                }
                dist[i * n + j] = Math.sqrt(sq);
                mx = Math.max(mx, dist[i * n + j]);
            }
        }
        this.max = mx;
    }

    /** x itself, or x times the power of two {@link #scaleFor} picks (C, a ratio of distances, is unchanged). */
    static double[] scaledSet(double[] x) {
        double s = scaleFor(x);
        return s == 1 ? x : scaled(x, s);
    }

    private static double scaleFor(double[] x) {
        double largest = 0;
        for (double v : x) {
            largest = Math.max(largest, Math.abs(v));
        }
        if (largest == 0 || (largest < LARGE && largest > SMALL)) {
            return 1;
        }
        return Math.scalb(1.0, -Math.getExponent(largest));
    }

    private static double[] scaled(double[] x, double scale) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i] * scale;
        }
        return out;
    }

    double[] cost() {
        double[] c = new double[n * n];
        // every point the same: all distances 0, and so is the cost (no 0/0)
        if (max > 0) {
            for (int i = 0; i < n * n; i++) {
                c[i] = dist[i] / max;
            }
        }
        return c;
    }

    double[] backward(double[] gradCost) {
        double[] gx = new double[n * d];
        if (max == 0) {
            return gx;
        }
        double[] gDist = new double[n * n];
        double gMax = 0;
        int ties = 0;
        for (int i = 0; i < n * n; i++) {
            gDist[i] = gradCost[i] / max;
            gMax -= gradCost[i] * dist[i] / (max * max);
            if (dist[i] == max) {
                ties++;
            }
        }
        for (int i = 0; i < n * n; i++) {
            if (dist[i] == max) {
                gDist[i] += gMax / ties;
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dij = dist[i * n + j];
                if (dij == 0) {
                    continue;
                }
                double s = (gDist[i * n + j] + gDist[j * n + i]) / dij;
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] += s * (x[i * d + k] - x[j * d + k]);
                }
            }
        }
        // C(X) = C(scale·X): ∂C/∂X = scale · ∂C/∂(scale·X)
        if (scale != 1) {
            for (int k = 0; k < gx.length; k++) {
                gx[k] *= scale;
            }
        }
        return gx;
    }
}
