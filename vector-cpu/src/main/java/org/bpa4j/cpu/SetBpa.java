package org.bpa4j.cpu;

import org.bpa4j.Metric;
import org.bpa4j.spi.BpaOptions;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * BPA on one set (docs/MATH.md §2 forward, §3 backward) in float32. Between the passes it keeps one n×n matrix
 * (logK, or K = exp(logK − max) when the Sinkhorn runs on scaling vectors), the duals of every iteration
 * and the cost's own state; the plan and Z are recomputed from them.
 */
final class SetBpa {
    /** The masked diagonal's cost: exp(−1e5/ε) is 0 in every precision. */
    static final double MASKED_COST = org.bpa4j.spi.MathConstants.MASKED_COST;
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;

    private final BpaOptions options;
    private final int n;
    private final int[] labels;
    private final ThreadTeam team;
    private final Cost cost;
    /** Replaced by a fresh solve when a backward pass has consumed it (a second backward on one result). */
    private BpaPlan plan;
    private final RowChunks chunks;
    /** Step 5's divisor: the largest Z before scaling (1 without max-scaling). */
    private final float scale;

    SetBpa(BpaOptions options, float[] x, int n, int d, int[] labels, ThreadTeam team) {
        this(options, x, n, d, labels, team, new float[n * n]);
    }

    /** Solves the set with its kernel in {@code kernel} (n×n), which the plan then owns. */
    private SetBpa(BpaOptions options, float[] x, int n, int d, int[] labels, ThreadTeam team, float[] kernel) {
        this.options = options;
        this.n = n;
        this.labels = labels;
        this.team = team;
        this.chunks = new RowChunks(n);
        this.cost = options.metric() == Metric.COSINE
                ? new CosineCost(x, n, d, options.reg(), team)
                : new EuclideanCost(x, n, d, options.reg());
        this.plan = solve(kernel);
        scale = divisor(options, plan.maxPlan());
    }

    /** Step 5's divisor from the plan's largest entry: max P, or σ's max P/(1 + max P); 1 without max-scaling. */
    static float divisor(BpaOptions options, float maxPlan) {
        if (!options.maxScale()) {
            return 1f;
        }
        return options.sigmoid() ? maxPlan / (1f + maxPlan) : maxPlan;
    }

    /** Steps 1–3: the cost's kernel and the Sinkhorn duals, deterministic, so a re-solve gives the same bits. */
    private BpaPlan solve(float[] logK) {
        float masked = (float) (-MASKED_COST / options.reg());
        BpaPlan sinkhorn;
        if (cost.fillKernel(logK, team)) {
            // K itself: exp(−1e5/ε) = 0 on a masked diagonal
            maskDiagonal(logK, 0f);
            sinkhorn = ScalingSinkhorn.runOnKernel(logK, n, options.maskDiagonal(), masked, options.iterations(), team);
        } else {
            cost.fillLogK(logK, team);
            maskDiagonal(logK, masked);
            sinkhorn = ScalingSinkhorn.tryRun(logK, n, options.maskDiagonal(), masked, options.iterations(), team);
        }
        if (sinkhorn == null) {
            FusedLogSinkhorn logDomain = new FusedLogSinkhorn(logK, n, n, null, null, team);
            logDomain.run(options.iterations(), Double.NaN, 1, false);
            sinkhorn = logDomain;
        }
        return sinkhorn;
    }

    private void maskDiagonal(float[] matrix, float value) {
        if (options.maskDiagonal()) {
            for (int i = 0; i < n; i++) {
                matrix[i * n + i] = value;
            }
        }
    }

    /**
     * Z before steps 6 and 7, scaled (step 5), from P = exp(logP): P / scale, or σ(logP) = P / (1 + P)
     * divided by the scale. With {@code derivative}, ∂(Z/scale)/∂logP instead: P / scale, or P / (1 + P)²
     * / scale.
     */
    private void scaledRow(int i, float[] dst, boolean derivative) {
        plan.planRow(i, dst);
        FloatVector sc = FloatVector.broadcast(F, scale);
        boolean sigmoid = options.sigmoid();
        // dst has RowKernels.PAD floats of slack: the last whole vector runs into it instead of a masked tail
        for (int j = 0; j < n; j += L) {
            zOf(FloatVector.fromArray(F, dst, j), sc, sigmoid, derivative).intoArray(dst, j);
        }
    }

    private static FloatVector zOf(FloatVector p, FloatVector scale, boolean sigmoid, boolean derivative) {
        if (!sigmoid) {
            return p.div(scale);
        }
        FloatVector onePlus = p.add(1f);
        FloatVector s = p.div(onePlus);
        return (derivative ? s.div(onePlus) : s).div(scale);
    }

    /**
     * Inference on one set: Z is written over the kernel in {@code z} (n×n), row by row (row i of Z needs
     * row i of the kernel alone), so the set costs one n×n matrix. Returns whether every value is finite.
     */
    static boolean transformInPlace(BpaOptions options, float[] x, int n, int d, int[] labels, ThreadTeam team,
            float[] z) {
        SetBpa set = new SetBpa(options, x, n, d, labels, team, z);
        boolean[] finite = new boolean[set.chunks.count];
        team.forEach(set.chunks.count, c -> {
            float[] row = new float[n + RowKernels.PAD];
            boolean ok = true;
            for (int i = set.chunks.start(c), end = set.chunks.end(c); i < end; i++) {
                ok &= set.outputRow(i, row, z, i * n);
            }
            finite[c] = ok;
        });
        set.plan = null; // its kernel is Z now
        return allTrue(finite);
    }

    /** Writes Z (n×n) at element offset {@code base} of the output; returns whether every value is finite. */
    boolean writeOutput(TensorRows out, long base) {
        boolean[] finite = new boolean[chunks.count];
        float[] heap = out.heapFloats();
        team.forEach(chunks.count, c -> {
            float[] row = new float[n + RowKernels.PAD];
            boolean ok = true;
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                long at = base + (long) i * n;
                if (heap != null) {
                    ok &= outputRow(i, row, heap, (int) at);
                } else {
                    ok &= outputRow(i, row, row, 0);
                    out.write(at, row, 0, n);
                }
            }
            finite[c] = ok;
        });
        return allTrue(finite);
    }

    /**
     * Row i of Z (steps 4–7) into dst[off..off+n), through {@code row} (n + PAD floats of scratch) where the
     * plan has no one-pass form; dst may hold the plan's own row i. Returns whether the row is finite.
     */
    private boolean outputRow(int i, float[] row, float[] dst, int off) {
        boolean finite;
        if (plan instanceof ScalingSinkhorn scaling && !options.sigmoid()) {
            // P / scale straight from K: the same bits as scaledRow, without the round trip through row
            finite = scaling.dividedPlanRow(i, scale, dst, off);
        } else {
            scaledRow(i, row, false);
            finite = RowKernels.allFinite(row, n);
            if (dst != row || off != 0) {
                System.arraycopy(row, 0, dst, off, n);
            }
        }
        overwriteKnown(options, labels, i, dst, off);
        return finite;
    }

    /** Steps 6 and 7 on row i of Z at dst[off..): the label block's 1s and 0s, then the masked diagonal's 1. */
    static void overwriteKnown(BpaOptions options, int[] labels, int i, float[] dst, int off) {
        if (labels != null && i < labels.length) {
            for (int j = 0; j < labels.length; j++) {
                dst[off + j] = labels[i] == labels[j] ? 1f : 0f;
            }
        }
        if (options.maskDiagonal()) {
            dst[off + i] = 1f;
        }
    }

    /** Whether every per-chunk (or per-set) finiteness flag is set. */
    static boolean allTrue(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    /**
     * ∂L/∂X (n×d) for ∂L/∂Z read from {@code grad} at element offset {@code base}. When the cost does not
     * need logK afterwards, ∂L/∂logK overwrites the plan's kernel (the peak of forward + backward is then
     * the kernel, Z and the caller's ∂L/∂Z, not one n×n more); a later backward on the same set solves again.
     */
    synchronized float[] backward(TensorRows grad, long base) {
        if (plan.spent()) {
            plan = solve(new float[n * n]);
        }
        boolean consume = !cost.backwardReadsLogK();
        float[] g = plan.gradientLogK((i, dst, dz) -> {
            // ∂L/∂logP = ∂L/∂Z · ∂Z/∂logP; entries overwritten by steps 6 and 7 pass no gradient
            grad.read(base + (long) i * n, dst, 0, n);
            scaledRow(i, dz, true);
            multiplyInPlace(dst, dz, n);
            if (labels != null && i < labels.length) {
                java.util.Arrays.fill(dst, 0, labels.length, 0f);
            }
            if (options.maskDiagonal()) {
                dst[i] = 0f;
            }
        }, consume);
        return cost.backward(g, plan, options.maskDiagonal(), team);
    }

    /** g[j] *= dz[j] for j &lt; len; both rows have RowKernels.PAD floats of slack for the last whole vector. */
    private static void multiplyInPlace(float[] g, float[] dz, int len) {
        for (int j = 0; j < len; j += L) {
            FloatVector.fromArray(F, g, j).mul(FloatVector.fromArray(F, dz, j)).intoArray(g, j);
        }
    }
}
