package org.bpa4j.reference;

/**
 * Rows divided by their norm, x̂_i = x_i / max(‖x_i‖, 1e-12) (PyTorch's F.normalize), and the gradient
 * back through that division.
 */
final class ReferenceUnitRows {
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
            norms[i] = Math.sqrt(sq);
            double denom = Math.max(norms[i], CosineCost.NORM_FLOOR);
            for (int k = 0; k < d; k++) {
                unit[i * d + k] = x[i * d + k] / denom;
            }
        }
    }

    /** x̂ (n×d, row-major); not to be modified. */
    double[] unit() {
        return unit;
    }

    /** ∂L/∂x from ∂L/∂x̂: (g − x̂(x̂·g)) / ‖x‖, or g / 1e-12 below the floor where the divisor is constant. */
    double[] backward(double[] gradUnit) {
        double[] gx = new double[n * d];
        for (int i = 0; i < n; i++) {
            if (norms[i] > CosineCost.NORM_FLOOR) {
                double radial = 0;
                for (int k = 0; k < d; k++) {
                    radial += unit[i * d + k] * gradUnit[i * d + k];
                }
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = (gradUnit[i * d + k] - unit[i * d + k] * radial) / norms[i];
                }
            } else {
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = gradUnit[i * d + k] / CosineCost.NORM_FLOOR;
                }
            }
        }
        return gx;
    }
}
