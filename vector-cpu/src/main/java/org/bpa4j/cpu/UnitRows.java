package org.bpa4j.cpu;

/**
 * Rows divided by their norm, x̂_i = x_i / max(‖x_i‖, 1e-12) as PyTorch's F.normalize, and the gradient
 * back through that division: the one row normaliser of the backend, shared by the cosine cost and the
 * BAM loss. Norms in double, so that |x| up to 1e154 squares without overflow; x̂ in float32.
 */
final class UnitRows {
    static final double NORM_FLOOR = org.bpa4j.spi.MathConstants.NORM_FLOOR;

    final int n;
    final int d;
    /** x̂, n×d row-major. */
    final float[] unit;
    private final double[] norms;

    /** Normalises the rows of x (n×d row-major) on the team (each row's arithmetic is the same on any thread). */
    UnitRows(float[] x, int n, int d, ThreadTeam team) {
        this.n = n;
        this.d = d;
        this.unit = new float[n * d];
        this.norms = new double[n];
        RowChunks chunks = new RowChunks(n);
        team.forEach(chunks.count, c -> normalise(x, chunks.start(c), chunks.end(c)));
    }

    /** Four partial sums, so that the adds do not wait on each other, and one reciprocal a row. */
    private void normalise(float[] x, int r0, int r1) {
        for (int i = r0; i < r1; i++) {
            int o = i * d;
            double s0 = 0;
            double s1 = 0;
            double s2 = 0;
            double s3 = 0;
            int k = 0;
            for (; k + 4 <= d; k += 4) {
                double v0 = x[o + k];
                double v1 = x[o + k + 1];
                double v2 = x[o + k + 2];
                double v3 = x[o + k + 3];
                s0 += v0 * v0;
                s1 += v1 * v1;
                s2 += v2 * v2;
                s3 += v3 * v3;
            }
            for (; k < d; k++) {
                double v = x[o + k];
                s0 += v * v;
            }
            norms[i] = Math.sqrt((s0 + s1) + (s2 + s3));
            double inv = 1.0 / Math.max(norms[i], NORM_FLOOR);
            for (k = 0; k < d; k++) {
                unit[o + k] = (float) (x[o + k] * inv);
            }
        }
    }

    /**
     * ∂L/∂x from ∂L/∂x̂ = scale · g (row i of g at i·stride): (ĝ − x̂(x̂·ĝ)) / ‖x‖, or ĝ / 1e-12 below
     * the floor (where the normalisation divides by a constant); written into out (n×d row-major).
     */
    void backward(float[] g, int stride, double scale, float[] out, ThreadTeam team) {
        RowChunks chunks = new RowChunks(n);
        team.forEach(chunks.count, c -> {
            double[] gUnit = new double[d];
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                double radial = 0;
                for (int k = 0; k < d; k++) {
                    gUnit[k] = g[i * stride + k] * scale;
                    radial += unit[i * d + k] * gUnit[k];
                }
                if (norms[i] > NORM_FLOOR) {
                    for (int k = 0; k < d; k++) {
                        out[i * d + k] = (float) ((gUnit[k] - unit[i * d + k] * radial) / norms[i]);
                    }
                } else {
                    for (int k = 0; k < d; k++) {
                        out[i * d + k] = (float) (gUnit[k] / NORM_FLOOR);
                    }
                }
            }
        });
    }
}
