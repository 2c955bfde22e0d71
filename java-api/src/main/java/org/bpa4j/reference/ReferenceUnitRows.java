package org.bpa4j.reference;

/**
 * Rows divided by their norm, x̂_i = x_i / max(‖x_i‖, 1e-12) (PyTorch's F.normalize), and the gradient
 * back through that division.
 */
final class ReferenceUnitRows {
    static final double NORM_FLOOR = org.bpa4j.spi.MathConstants.NORM_FLOOR;

    private final int n;
    private final int d;
    private final double[] unit;
    private final double[] norms;

    ReferenceUnitRows(double[] x, int n, int d) {
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

    /** x̂ (n×d, row-major); not to be modified. */
    double[] unit() {
        return unit;
    }

    /** ∂L/∂x from ∂L/∂x̂: (g − x̂(x̂·g)) / ‖x‖, or g / 1e-12 below the floor where the divisor is constant. */
    double[] backward(double[] gradUnit) {
        double[] gx = new double[n * d];
        for (int i = 0; i < n; i++) {
            if (norms[i] > NORM_FLOOR) {
                double radial = 0;
                for (int k = 0; k < d; k++) {
                    radial += unit[i * d + k] * gradUnit[i * d + k];
                }
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = (gradUnit[i * d + k] - unit[i * d + k] * radial) / norms[i];
                }
            } else {
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = gradUnit[i * d + k] / NORM_FLOOR;
                }
            }
        }
        return gx;
    }
}
