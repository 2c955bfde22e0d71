package org.bpa4j.cpu;

import java.util.ArrayList;
import java.util.List;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Euclidean cost C = D / max D, D_ij = ‖x_i − x_j‖ = sqrt(max(0, ‖x_i‖² + ‖x_j‖² − 2 x_i·x_j)) through the
 * symmetric GEMM on centred features divided by their largest |value| (C does not change: it is invariant
 * to shifts and scales of X; cancellation shrinks, and norms of 1e-30 or 1e30 neither underflow nor
 * overflow in float32), with an exact zero diagonal. The max is not a constant for the gradient: its share goes evenly to every entry attaining it,
 * whose positions are kept.
 */
final class EuclideanCost implements Cost {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private final int n;
    private final int d;
    private final double reg;
    private final float[] centred;
    /** The features were divided by this: ∂L/∂X is ∂L/∂(X/scale) divided by it. */
    private final double featureScale;
    private float max;
    private long[] ties;

    EuclideanCost(float[] x, int n, int d, double reg) {
        this.n = n;
        this.d = d;
        this.reg = reg;
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                mean[k] += x[i * d + k];
            }
        }
        double largest = 0;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                largest = Math.max(largest, Math.abs(x[i * d + k] - mean[k] / n));
            }
        }
        this.featureScale = largest > 0 ? largest : 1;
        this.centred = new float[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                centred[i * d + k] = (float) ((x[i * d + k] - mean[k] / n) / featureScale);
            }
        }
    }

    /** The centred, scaled rows (n×d) whose distances have the cost's ratios, for the streaming block kernel. */
    float[] centredRows() {
        return centred;
    }

    @Override
    public void fillLogK(float[] logK, ThreadTeam team) {
        fill(logK, false, team);
    }

    /** logK = −D/(max D · ε) ∈ [−1/ε, 0]: known to fit when 1/ε ≤ the scaling range. */
    @Override
    public boolean fillKernel(float[] k, ThreadTeam team) {
        if (!(1.0 / reg <= ScalingSinkhorn.MAX_RANGE)) {
            return false;
        }
        fill(k, true, team);
        return true;
    }

    private void fill(float[] logK, boolean exp, ThreadTeam team) {
        // ‖x_i‖² with the GEMM's own arithmetic: identical rows then give a distance of exactly 0
        float[] sq = SymmetricGram.diagonal(centred, n, d);
        SymmetricGram.compute(centred, n, d, logK, (i, j0, src, so, len, out, oo) -> {
            FloatVector si = FloatVector.broadcast(F, sq[i]);
            for (int j = 0; j < len; j += L) {
                VectorMask<Float> m = F.indexInRange(j, len);
                FloatVector g = FloatVector.fromArray(F, src, so + j, m);
                FloatVector d2 = g.fma(FloatVector.broadcast(F, -2f), si.add(FloatVector.fromArray(F, sq, j0 + j, m)));
                d2.max(0f).sqrt().intoArray(out, oo + j, m);
            }
            if (i >= j0 && i < j0 + len) {
                out[oo + i - j0] = 0f;
            }
        }, team);
        RowChunks chunks = new RowChunks(n);
        float[] chunkMax = new float[chunks.count];
        team.forEach(chunks.count, c -> {
            FloatVector acc = FloatVector.zero(F);
            for (int idx = chunks.start(c) * n, end = chunks.end(c) * n; idx < end; idx += L) {
                VectorMask<Float> m = F.indexInRange(idx, end);
                acc = acc.lanewise(VectorOperators.MAX, FloatVector.fromArray(F, logK, idx, m), m);
            }
            chunkMax[c] = acc.reduceLanes(VectorOperators.MAX);
        });
        float largest = 0f;
        for (float v : chunkMax) {
            largest = Math.max(largest, v);
        }
        final float mx = largest;
        this.max = mx;
        @SuppressWarnings("unchecked")
        List<Long>[] found = new List[chunks.count];
        float toLogK = mx > 0 ? (float) (-1.0 / (mx * reg)) : 0f;
        team.forEach(chunks.count, c -> {
            List<Long> here = new ArrayList<>();
            int start = chunks.start(c) * n;
            int end = chunks.end(c) * n;
            if (mx > 0) {
                for (int idx = start; idx < end; idx++) {
                    if (logK[idx] == mx) {
                        here.add((long) idx);
                    }
                }
            }
            RowKernels.scaleInPlace(logK, start, end - start, toLogK, exp);
            found[c] = here;
        });
        List<Long> all = new ArrayList<>();
        for (List<Long> f : found) {
            all.addAll(f);
        }
        this.ties = all.stream().mapToLong(Long::longValue).toArray();
    }

    @Override
    public boolean backwardReadsLogK() {
        // D_ij = logK_ij · (−ε·max) scales each entry of g
        return true;
    }

    @Override
    public float[] backward(float[] g, BpaPlan plan, boolean maskDiagonal, ThreadTeam team) {
        if (max == 0f) {
            // every point the same: the cost is 0 and passes nothing back
            return new float[n * d];
        }
        double mx = max;
        float scale = (float) (1.0 / (reg * reg * mx * mx));
        double gLogKTimesLogK = TransposeSum.euclidean(g, plan, n, scale, team);
        double gMax = -gLogKTimesLogK / mx;
        float share = (float) (gMax / ties.length / mx);
        for (long t : ties) {
            int p = (int) (t / n);
            int q = (int) (t % n);
            g[p * n + q] += share;
            g[q * n + p] += share;
        }
        // a column of ones after the features gives the row sums of g in the same GEMM
        int dp = MatrixFeatureProduct.paddedWidth(d + 1);
        float[] xp = new float[n * dp];
        for (int i = 0; i < n; i++) {
            System.arraycopy(centred, i * d, xp, i * dp, d);
            xp[i * dp + d] = 1f;
        }
        float[] y = MatrixFeatureProduct.multiply(g, n, xp, dp, team);
        float[] gx = new float[n * d];
        for (int i = 0; i < n; i++) {
            double rowSum = y[i * dp + d];
            for (int k = 0; k < d; k++) {
                gx[i * d + k] = (float) ((centred[i * d + k] * rowSum - y[i * dp + k]) / featureScale);
            }
        }
        return gx;
    }
}
