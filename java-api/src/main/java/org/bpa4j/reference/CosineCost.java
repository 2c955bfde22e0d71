package org.bpa4j.reference;

/** C_ij = 1 − x̂_i·x̂_j with x̂_i = x_i / max(‖x_i‖, 1e-12) (SPEC §2), and its gradient (SPEC §3). */
final class CosineCost {
    static final double NORM_FLOOR = 1e-12;

    private final int n;
    private final int d;
    private final double[] unit;
    private final double[] norms;

    CosineCost(double[] x, int n, int d) {
        this.n = n;
        this.d = d;
        this.unit = new double[n * d];
        this.norms = new double[n];
        for (int i = 0; i < n; i++) {
            double sq = 0;
            for (int k = 0; k < d; k++) {
                sq += x[i * d + k] * x[i * d + k];
            }
            norms[i] = Double.isInfinite(sq) ? scaledNorm(x, i * d, d) : Math.sqrt(sq);
            double denom = Math.max(norms[i], NORM_FLOOR);
            for (int k = 0; k < d; k++) {
                unit[i * d + k] = x[i * d + k] / denom;
            }
        }
    }

    /** ‖x‖ for a row whose squares overflow (|x| beyond ~1e154): summed at a power-of-two scale. */
    private static double scaledNorm(double[] x, int offset, int d) {
        double largest = 0;
        for (int k = 0; k < d; k++) {
            largest = Math.max(largest, Math.abs(x[offset + k]));
        }
        double scale = Math.scalb(1.0, -Math.getExponent(largest));
        double sq = 0;
        for (int k = 0; k < d; k++) {
            double v = x[offset + k] * scale;
            sq += v * v;
        }
        return Math.sqrt(sq) / scale;
    }

    double[] cost() {
        double[] c = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double dot = 0;
                for (int k = 0; k < d; k++) {
                    dot += unit[i * d + k] * unit[j * d + k];
                }
                c[i * n + j] = 1 - dot;
            }
        }
        return c;
    }

    /** ∂L/∂x from S = ∂L/∂C: ∂L/∂x̂ = −(S + Sᵀ)x̂, then through the normalisation. */
    double[] backward(double[] gradCost) {
        double[] gx = new double[n * d];
        for (int i = 0; i < n; i++) {
            double[] gUnit = new double[d];
            for (int j = 0; j < n; j++) {
                double s = gradCost[i * n + j] + gradCost[j * n + i];
                for (int k = 0; k < d; k++) {
                    gUnit[k] -= s * unit[j * d + k];
                }
            }
            if (norms[i] > NORM_FLOOR) {
                double radial = 0;
                for (int k = 0; k < d; k++) {
                    radial += unit[i * d + k] * gUnit[k];
                }
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = (gUnit[k] - unit[i * d + k] * radial) / norms[i];
                }
            } else {
                // below the floor the normalisation divides by a constant
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = gUnit[k] / NORM_FLOOR;
                }
            }
        }
        return gx;
    }
}
