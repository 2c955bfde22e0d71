package org.bpa4j.reference;

/** C_ij = 1 − x̂_i·x̂_j with x̂_i = x_i / max(‖x_i‖, 1e-12) (docs/MATH.md §2), and its gradient (docs/MATH.md §3). */
final class CosineCost {
    private final int n;
    private final int d;
    private final ReferenceUnitRows rows;

    CosineCost(double[] x, int n, int d) {
        this.n = n;
        this.d = d;
        this.rows = new ReferenceUnitRows(x, n, d);
    }

    double[] cost() {
        double[] unit = rows.unit();
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

    /** ∂L/∂x from S = ∂L/∂C: ∂L/∂x̂ = −(S + Sᵀ)x̂, then back through the normalisation. */
    double[] backward(double[] gradCost) {
        double[] unit = rows.unit();
        double[] gUnit = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = gradCost[i * n + j] + gradCost[j * n + i];
                for (int k = 0; k < d; k++) {
                    gUnit[i * d + k] -= s * unit[j * d + k];
                }
            }
        }
        return rows.backward(gUnit);
    }
}
