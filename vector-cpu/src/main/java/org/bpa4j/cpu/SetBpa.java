package org.bpa4j.cpu;

import org.bpa4j.Metric;
import org.bpa4j.spi.BpaOptions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * BPA on one set (SPEC §2 forward, §3 backward) in float32. Between the passes it keeps logK (n×n), the
 * duals of every iteration and the cost's own state; the plan and Z are recomputed from them.
 */
final class SetBpa {
    /** The masked diagonal's cost: exp(−1e5/ε) is 0 in every precision. */
    static final double MASKED_COST = 1e5;
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private final BpaOptions options;
    private final int n;
    private final int[] labels;
    private final ThreadTeam team;
    private final CostKernel cost;
    private final float[] logK;
    private final FusedLogSinkhorn sinkhorn;
    private final RowChunks chunks;
    /** max_ij logP_ij (the max of Z before scaling is f of it), or NaN without max-scaling. */
    private final float maxLogP;
    /** f(maxLogP) for sigmoid (exp needs no scale: it divides through exp(logP − maxLogP)). */
    private final float sigmoidScale;

    SetBpa(BpaOptions options, float[] x, int n, int d, int[] labels, ThreadTeam team) {
        this.options = options;
        this.n = n;
        this.labels = labels;
        this.team = team;
        this.chunks = new RowChunks(n);
        this.cost = options.metric() == Metric.COSINE
                ? new CosineKernel(x, n, d, options.reg())
                : new EuclideanKernel(x, n, d, options.reg());
        this.logK = new float[n * n];
        cost.fillLogK(logK, team);
        if (options.maskDiagonal()) {
            float masked = (float) (-MASKED_COST / options.reg());
            for (int i = 0; i < n; i++) {
                logK[i * n + i] = masked;
            }
        }
        this.sinkhorn = new FusedLogSinkhorn(logK, n, n, null, null, team);
        sinkhorn.run(options.iterations(), Double.NaN, 1, false);
        if (options.maxScale()) {
            maxLogP = maxLogPlan();
            sigmoidScale = options.sigmoid()
                    ? VectorExp.sigmoid(FloatVector.broadcast(F, maxLogP)).lane(0)
                    : 1f;
        } else {
            maxLogP = Float.NaN;
            sigmoidScale = 1f;
        }
    }

    private float maxLogPlan() {
        float[] uf = finalU();
        float[] vf = sinkhorn.finalVFloat();
        float[] chunkMax = new float[chunks.count];
        team.forEach(chunks.count, c -> {
            float mx = Float.NEGATIVE_INFINITY;
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                // fl(a + u) is monotone in a: the row's max of logK + v, plus u, is the row's max of logP
                mx = Math.max(mx, RowKernels.maxOfSum(logK, i * n, vf, n) + uf[i]);
            }
            chunkMax[c] = mx;
        });
        float mx = Float.NEGATIVE_INFINITY;
        for (float v : chunkMax) {
            mx = Math.max(mx, v);
        }
        return mx;
    }

    private float[] finalU() {
        double[] u = sinkhorn.u.get(sinkhorn.iterations);
        float[] uf = new float[n];
        for (int i = 0; i < n; i++) {
            uf[i] = (float) u[i];
        }
        return uf;
    }

    /**
     * Z before steps 6 and 7, scaled (step 5): row i into dst. With the gradient flag, the derivative
     * ∂Z_ij/∂logP_ij instead.
     */
    private void scaledRow(int i, float[] uf, float[] vf, float[] dst, boolean derivative) {
        FloatVector u = FloatVector.broadcast(F, uf[i]);
        boolean scaled = options.maxScale();
        FloatVector shift = FloatVector.broadcast(F, scaled && !options.sigmoid() ? maxLogP : 0f);
        FloatVector scale = FloatVector.broadcast(F, sigmoidScale);
        int base = i * n;
        for (int j = 0; j < n; j += L) {
            VectorMask<Float> m = F.indexInRange(j, n);
            FloatVector lp = FloatVector.fromArray(F, logK, base + j, m).add(FloatVector.fromArray(F, vf, j, m)).add(u);
            FloatVector z;
            if (options.sigmoid()) {
                FloatVector s = VectorExp.sigmoid(lp);
                z = derivative ? s.mul(s.neg().add(1f)) : s;
                z = z.div(scale);
            } else {
                z = VectorExp.exp(lp.sub(shift));
            }
            z.intoArray(dst, j, m);
        }
    }

    /** Writes Z (n×n) at element offset {@code base} of the output. */
    void writeOutput(TensorRows out, long base) {
        float[] uf = finalU();
        float[] vf = sinkhorn.finalVFloat();
        team.forEach(chunks.count, c -> {
            float[] row = new float[n];
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                scaledRow(i, uf, vf, row, false);
                if (labels != null && i < labels.length) {
                    for (int j = 0; j < labels.length; j++) {
                        row[j] = labels[i] == labels[j] ? 1f : 0f;
                    }
                }
                if (options.maskDiagonal()) {
                    row[i] = 1f;
                }
                out.write(base + (long) i * n, row, 0, n);
            }
        });
    }

    /** ∂L/∂X (n×d) for ∂L/∂Z read from {@code grad} at element offset {@code base}. */
    float[] backward(TensorRows grad, long base) {
        float[] uf = finalU();
        float[] vf = sinkhorn.finalVFloat();
        float[] g = new float[n * n];
        team.forEach(chunks.count, c -> {
            float[] dz = new float[n];
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                grad.read(base + (long) i * n, g, i * n, n);
                scaledRow(i, uf, vf, dz, true);
                multiplyInPlace(g, i * n, dz, n);
                // entries overwritten by steps 6 and 7 pass no gradient
                if (labels != null && i < labels.length) {
                    for (int j = 0; j < labels.length; j++) {
                        g[i * n + j] = 0f;
                    }
                }
                if (options.maskDiagonal()) {
                    g[i * n + i] = 0f;
                }
            }
        });
        double[][] sums = sinkhorn.rowAndColumnSums(g);
        sinkhorn.backward(g, sums[0], sums[1]);
        return cost.backward(g, logK, options.maskDiagonal(), team);
    }

    private static void multiplyInPlace(float[] g, int off, float[] dz, int len) {
        for (int j = 0; j < len; j += L) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector.fromArray(F, g, off + j, m).mul(FloatVector.fromArray(F, dz, j, m)).intoArray(g, off + j, m);
        }
    }
}
