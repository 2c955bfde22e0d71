package org.bpa4j.cpu.bam;

import org.bpa4j.Tensor;

/**
 * Rows divided by their norm, x̂_i = x_i / max(‖x_i‖, 1e-12) as PyTorch's F.normalize, in float32 (norms
 * summed in double), and the gradient back through that division.
 */
final class CpuUnitRows {
    static final double NORM_FLOOR = org.bpa4j.spi.MathConstants.NORM_FLOOR;
    /** Rows per parallel task. */
    static final int CHUNK = 32;

    final int n;
    final int d;
    /** x̂, n×d row-major. */
    final float[] unit;
    private final double[] norms;

    CpuUnitRows(Tensor x, ParallelLoop loop) {
        this.n = x.rows();
        this.d = x.cols();
        this.unit = new float[n * d];
        this.norms = new double[n];
        float[] source = x.floatArray().orElse(null);
        loop.forEach(chunks(n), chunk -> {
            double[] row = new double[d];
            for (int i = chunk * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                double sq = 0;
                for (int k = 0; k < d; k++) {
                    row[k] = source != null ? source[i * d + k] : x.getDouble((long) i * d + k);
                    sq += row[k] * row[k];
                }
                norms[i] = Math.sqrt(sq);
                double denom = Math.max(norms[i], NORM_FLOOR);
                for (int k = 0; k < d; k++) {
                    unit[i * d + k] = (float) (row[k] / denom);
                }
            }
        });
    }

    static int chunks(int rows) {
        return (rows + CHUNK - 1) / CHUNK;
    }

    /** ∂L/∂x from ∂L/∂x̂: (g − x̂(x̂·g)) / ‖x‖, or g / 1e-12 below the floor; written into {@code out}. */
    void backward(float[] gradUnit, Tensor out, ParallelLoop loop) {
        loop.forEach(chunks(n), chunk -> {
            for (int i = chunk * CHUNK, end = Math.min(n, i + CHUNK); i < end; i++) {
                long base = (long) i * d;
                if (norms[i] > NORM_FLOOR) {
                    double radial = 0;
                    for (int k = 0; k < d; k++) {
                        radial += (double) unit[i * d + k] * gradUnit[i * d + k];
                    }
                    for (int k = 0; k < d; k++) {
                        out.setDouble(base + k, (gradUnit[i * d + k] - unit[i * d + k] * radial) / norms[i]);
                    }
                } else {
                    for (int k = 0; k < d; k++) {
                        out.setDouble(base + k, gradUnit[i * d + k] / NORM_FLOOR);
                    }
                }
            }
        });
    }
}
