package org.bpa4j.reference;

/**
 * C = D / max D with D_ij = ‖x_i − x_j‖ (SPEC §2). The max is not a constant for the gradient: its share
 * goes evenly to every entry attaining it (PyTorch's rule for a full max).
 */
final class EuclideanCost {
    private final int n;
    private final int d;
    private final double[] x;
    private final double[] dist;
    private final double max;

    EuclideanCost(double[] x, int n, int d) {
        this.n = n;
        this.d = d;
        this.x = x;
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
        return gx;
    }
}
