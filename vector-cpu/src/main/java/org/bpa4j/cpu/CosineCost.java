package org.bpa4j.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * Cosine cost: x̂_i = x_i / max(‖x_i‖, 1e-12), logK_ij = (x̂_i·x̂_j − 1)/ε through the symmetric GEMM;
 * backward ∂L/∂x̂ = (G + Gᵀ)x̂/ε for G = ∂L/∂logK, then through the normalisation.
 */
final class CosineCost implements Cost {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private final int n;
    private final int d;
    private final double reg;
    /** x̂ and the norms, for the backward pass. */
    private final UnitRows rows;
    private final float[] unit;

    CosineCost(float[] x, int n, int d, double reg) {
        this(x, n, d, reg, ThreadTeam.SEQUENTIAL);
    }

    /** Normalises the rows on the team (each row's arithmetic is the same on any thread). */
    CosineCost(float[] x, int n, int d, double reg, ThreadTeam team) {
        this.n = n;
        this.d = d;
        this.reg = reg;
        this.rows = new UnitRows(x, n, d, team);
        this.unit = rows.unit;
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
        rows.backward(y, dp, 1.0 / reg, gx, team);
        return gx;
    }
}
