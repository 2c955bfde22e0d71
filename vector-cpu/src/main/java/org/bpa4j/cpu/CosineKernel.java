package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cosine cost: x̂_i = x_i / max(‖x_i‖, 1e-12), logK_ij = (x̂_i·x̂_j − 1)/ε through the symmetric GEMM;
 * backward ∂L/∂x̂ = (G + Gᵀ)x̂/ε for G = ∂L/∂logK, then through the normalisation.
 */
final class CosineKernel implements CostKernel {
    static final double NORM_FLOOR = 1e-12;
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private final int n;
    private final int d;
    private final double reg;
    private final float[] unit;
    private final double[] norms;

    CosineKernel(float[] x, int n, int d, double reg) {
        this(x, n, d, reg, ThreadTeam.SEQUENTIAL);
    }

    /** Normalises the rows on the team (each row's arithmetic is the same on any thread). */
    CosineKernel(float[] x, int n, int d, double reg, ThreadTeam team) {
        this.n = n;
        this.d = d;
        this.reg = reg;
        this.unit = new float[n * d];
        this.norms = new double[n];
        RowChunks chunks = new RowChunks(n);
        team.forEach(chunks.count, c -> normalise(x, chunks.start(c), chunks.end(c)));
    }

    /**
     * In double, so that |x| up to 1e154 squares without overflow; four partial sums, so that the adds do
     * not wait on each other, and one reciprocal a row instead of d divisions.
     */
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

    /** x̂ (n×d), for the streaming block kernel that recomputes the cost tile by tile. */
    float[] unitRows() {
        return unit;
    }

    @Override
    public void fillLogK(float[] logK, ThreadTeam team) {
        float inv = (float) (1.0 / reg);
        SymmetricGram.compute(unit, n, d, logK, (i, j0, src, so, len, out, oo) -> {
            int j = 0;
            for (int bound = F.loopBound(len); j < bound; j += L) {
                FloatVector.fromArray(F, src, so + j).sub(1f).mul(inv).intoArray(out, oo + j);
            }
            for (; j < len; j++) {
                out[oo + j] = (src[so + j] - 1f) * inv;
            }
        }, team);
    }

    /** logK = (s − 1)/ε ∈ [−2/ε, 0] (up to rounding): known to fit when 2/ε ≤ the scaling range. */
    @Override
    public boolean fillKernel(float[] k, ThreadTeam team) {
        if (!(2.0 / reg <= ScalingSinkhorn.MAX_RANGE)) {
            return false;
        }
        float inv = (float) (1.0 / reg);
        SymmetricGram.compute(unit, n, d, k, (i, j0, src, so, len, out, oo) -> {
            int j = 0;
            for (int bound = F.loopBound(len); j < bound; j += L) {
                VectorExp.exp(FloatVector.fromArray(F, src, so + j).sub(1f).mul(inv)).intoArray(out, oo + j);
            }
            if (j < len) {
                VectorMask<Float> m = F.indexInRange(j, len);
                VectorExp.exp(FloatVector.fromArray(F, src, so + j, m).sub(1f).mul(inv))
                        .intoArray(out, oo + j, m);
            }
        }, team);
        return true;
    }

    @Override
    public boolean backwardReadsLogK() {
        // the backward GEMM needs only g and the unit rows
        return false;
    }

    @Override
    public float[] backward(float[] g, BpaPlan plan, boolean maskDiagonal, ThreadTeam team) {
        TransposeSum.cosine(g, n, maskDiagonal, team);
        int dp = MatrixFeatureProduct.paddedWidth(d);
        float[] xp = new float[n * dp];
        for (int i = 0; i < n; i++) {
            System.arraycopy(unit, i * d, xp, i * dp, d);
        }
        float[] y = MatrixFeatureProduct.multiply(g, n, xp, dp, team);
        float[] gx = new float[n * d];
        double inv = 1.0 / reg;
        double[] gUnit = new double[d];
        for (int i = 0; i < n; i++) {
            double radial = 0;
            for (int k = 0; k < d; k++) {
                gUnit[k] = y[i * dp + k] * inv;
                radial += unit[i * d + k] * gUnit[k];
            }
            if (norms[i] > NORM_FLOOR) {
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = (float) ((gUnit[k] - unit[i * d + k] * radial) / norms[i]);
                }
            } else {
                // below the floor the normalisation divides by a constant
                for (int k = 0; k < d; k++) {
                    gx[i * d + k] = (float) (gUnit[k] / NORM_FLOOR);
                }
            }
        }
        return gx;
    }
}
