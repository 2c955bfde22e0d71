package org.bpa4j.cpu;

import java.util.Arrays;
import java.util.function.IntConsumer;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;

/**
 * The streaming BPA's row-block operations in float32 (README "Large sets"): the cost of a block's rows against
 * the columns is recomputed chunk by chunk of {@link #CHUNK} columns with {@link SymmetricGram}'s register-tile
 * micro-kernel on panels of every row packed once, turned into logK in the tile's epilogue, and reduced at once:
 * an online log-sum-exp per row (max, then Σ exp rescaled when the max grows) or a k-largest selection. Memory:
 * the rows and their packed copy (2·n·d floats) and a chunk buffer per thread. Every row's arithmetic runs in a
 * fixed order over the chunks, whatever block or thread it falls in, so results are the same bits on any thread
 * count and for any blocking.
 */
final class CpuBlockKernel implements BlockKernel {
    private static final VectorSpecies<Float> F = RowKernels.F;
    private static final int L = RowKernels.L;
    private static final int MR = SymmetricGram.MR;
    private static final int NR = SymmetricGram.NR;
    private static final int KC = SymmetricGram.KC;
    /** Columns per chunk: a multiple of NR at every width (NR = 2 lanes ≤ 32). */
    static final int CHUNK = 256;
    /** Rows per pass over the chunks: the chunk buffer is ROWS × CHUNK floats. */
    static final int ROWS = 128;
    private static final double MASKED_COST = 1e5;

    private final BpaOptions options;
    private final int n;
    private final int d;
    private final boolean euclidean;
    /** Cosine: x̂; euclidean: centred rows divided by their largest |value|. */
    private final float[] rows;
    /** Euclidean: ‖row‖² with the micro-kernel's own arithmetic (so that D_ii is exactly 0). */
    private final float[] squares;
    /** Every row packed in NR-column panels, k-major, as the micro-kernel reads B. */
    private final float[] packed;
    private final ThreadTeam team;
    private final ThreadLocal<Scratch> scratch;

    CpuBlockKernel(BpaOptions options, Tensor x, ThreadTeam team) {
        this.options = options;
        this.n = x.rows();
        this.d = x.cols();
        this.team = team;
        this.euclidean = options.metric() == Metric.EUCLIDEAN;
        float[] raw = x.toFloatArray();
        this.rows = euclidean ? new EuclideanKernel(raw, n, d, options.reg()).centredRows()
                : new CosineKernel(raw, n, d, options.reg(), team).unitRows();
        this.squares = euclidean ? SymmetricGram.diagonal(rows, n, d) : null;
        int panels = (n + NR - 1) / NR;
        this.packed = new float[panels * NR * d];
        team.forEach(panels, p -> SymmetricGram.pack(rows, n, d, p * NR, NR, packed, p * NR * d));
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(d));
    }

    /** A thread's buffers: the block's rows packed in MR-row panels, a tile, the chunk of logK. */
    private static final class Scratch {
        final float[] rowPanels;
        final float[] tile = new float[MR * NR];
        final float[] chunk = new float[ROWS * CHUNK + L];
        final float[] lanes = new float[L];

        Scratch(int d) {
            // whole MR-row panels: ROWS need not be a multiple of MR (6 rows where the CPU has 16 vector registers)
            rowPanels = new float[(ROWS + MR - 1) / MR * MR * d];
        }
    }

    @Override
    public int rows() {
        return n;
    }

    @Override
    public void forEach(int tasks, IntConsumer body) {
        team.forEach(tasks, body);
    }

    /**
     * logK_ij for the rows [r0, r0 + count) (count ≤ ROWS, packed in s.rowPanels) and the columns [c0, c1) of one
     * chunk (c0 a multiple of NR), into s.chunk[(i − r0)·CHUNK + (j − c0)]. {@code toLogK}: cosine 1/ε, euclidean
     * −1/(max D·ε).
     */
    private void logKChunk(Scratch s, int r0, int count, int c0, int c1, float toLogK) {
        float[] tile = s.tile;
        float[] out = s.chunk;
        float masked = (float) (-MASKED_COST / options.reg());
        int rowPanels = (count + MR - 1) / MR;
        for (int jb = c0 / NR; jb * NR < c1; jb++) {
            int j0 = jb * NR;
            int cols = Math.min(NR, c1 - j0);
            for (int ib = 0; ib < rowPanels; ib++) {
                for (int k0 = 0; k0 < d; k0 += KC) {
                    int kc = Math.min(KC, d - k0);
                    SymmetricGram.kernel(s.rowPanels, ib * MR * d + k0 * MR, packed, jb * NR * d + k0 * NR, kc, tile,
                            k0 == 0);
                }
                for (int r = 0; r < MR && ib * MR + r < count; r++) {
                    int i = r0 + ib * MR + r;
                    int o = (ib * MR + r) * CHUNK + (j0 - c0);
                    epilogue(tile, r * NR, i, j0, cols, out, o, toLogK);
                    if (i >= j0 && i < j0 + cols) {
                        out[o + i - j0] = options.maskDiagonal() ? masked : euclidean ? 0f : out[o + i - j0];
                    }
                }
            }
        }
    }

    /**
     * One tile row: cosine (g − 1)/ε; euclidean sqrt(max(0, ‖x_i‖² + ‖x_j‖² − 2g)) · (−1/(max D·ε)). Whole
     * vectors unmasked (AVX2 has no masked arithmetic: masked lanes there take a slow path), a masked tail.
     */
    private void epilogue(float[] tile, int to, int i, int j0, int cols, float[] out, int o, float toLogK) {
        int j = 0;
        for (int bound = F.loopBound(cols); j < bound; j += L) {
            FloatVector g = FloatVector.fromArray(F, tile, to + j);
            FloatVector v;
            if (euclidean) {
                FloatVector si = FloatVector.broadcast(F, squares[i]);
                FloatVector d2 = g.fma(FloatVector.broadcast(F, -2f), si.add(FloatVector.fromArray(F, squares, j0 + j)));
                v = d2.max(0f).sqrt().mul(toLogK);
            } else {
                v = g.sub(1f).mul(toLogK);
            }
            v.intoArray(out, o + j);
        }
        if (j < cols) {
            VectorMask<Float> m = F.indexInRange(j, cols);
            FloatVector g = FloatVector.fromArray(F, tile, to + j, m);
            FloatVector v;
            if (euclidean) {
                FloatVector si = FloatVector.broadcast(F, squares[i]);
                FloatVector d2 = g.fma(FloatVector.broadcast(F, -2f), si.add(FloatVector.fromArray(F, squares, j0 + j, m)));
                v = d2.max(0f).sqrt().mul(toLogK);
            } else {
                v = g.sub(1f).mul(toLogK);
            }
            v.intoArray(out, o + j, m);
        }
    }

    /** Packs rows [r0, r0 + count) into s.rowPanels (MR-row panels, k-major; zeros past n). */
    private void packRows(Scratch s, int r0, int count) {
        int panels = (count + MR - 1) / MR;
        Arrays.fill(s.rowPanels, 0, panels * MR * d, 0f);
        for (int p = 0; p < panels; p++) {
            SymmetricGram.pack(rows, n, d, r0 + p * MR, MR, s.rowPanels, p * MR * d);
        }
    }

    private float toLogK(double maxDistance) {
        if (!euclidean) {
            return (float) (1.0 / options.reg());
        }
        float mx = (float) maxDistance;
        return mx > 0 ? (float) (-1.0 / (mx * options.reg())) : 0f;
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length + RowKernels.PAD];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    @Override
    public double maxDistance(int r0, int r1) {
        if (!euclidean) {
            return 0;
        }
        Scratch s = scratch.get();
        float largest = 0f;
        for (int b0 = r0; b0 < r1; b0 += ROWS) {
            int count = Math.min(ROWS, r1 - b0);
            packRows(s, b0, count);
            for (int c0 = 0; c0 < n; c0 += CHUNK) {
                int c1 = Math.min(n, c0 + CHUNK);
                // toLogK = 1 gives D itself
                logKChunk(s, b0, count, c0, c1, 1f);
                for (int r = 0; r < count; r++) {
                    largest = Math.max(largest, max(s.chunk, r * CHUNK, c1 - c0));
                }
            }
        }
        return largest;
    }

    private static float max(float[] a, int ao, int len) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(F, a, ao + j));
        }
        float mx = acc.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) {
            mx = Math.max(mx, a[ao + j]);
        }
        return mx;
    }

    @Override
    public void rowLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum, int at) {
        rowLse(r0, r1, 0, n, toFloats(dual), toLogK(maxDistance), max, sum, at);
    }

    /** By symmetry, column j's partial over the rows [r0, r1) is row j's log-sum-exp over the columns [r0, r1). */
    @Override
    public void columnLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum) {
        rowLse(0, n, r0, r1, toFloats(dual), toLogK(maxDistance), max, sum, 0);
    }

    /**
     * For the rows i in [r0, r1): max[at + i − r0] = m_i = max_{j in [c0, c1)} (logK_ij + dual_j), sum = Σ exp(… − m_i),
     * online over the chunks in column order.
     */
    private void rowLse(int r0, int r1, int c0, int c1, float[] dual, float toLogK, double[] max, double[] sum,
            int at) {
        Scratch s = scratch.get();
        float[] runMax = new float[ROWS];
        double[] runSum = new double[ROWS];
        for (int b0 = r0; b0 < r1; b0 += ROWS) {
            int count = Math.min(ROWS, r1 - b0);
            packRows(s, b0, count);
            Arrays.fill(runMax, Float.NEGATIVE_INFINITY);
            Arrays.fill(runSum, 0);
            for (int ch = (c0 / NR) * NR; ch < c1; ch += CHUNK) {
                int chEnd = Math.min(c1, ch + CHUNK);
                logKChunk(s, b0, count, ch, chEnd, toLogK);
                int from = Math.max(c0, ch);
                int len = chEnd - from;
                for (int r = 0; r < count; r++) {
                    int o = r * CHUNK + (from - ch);
                    float m = maxOfSum(s.chunk, o, dual, from, len);
                    float top = runMax[r];
                    if (m > top) {
                        if (top != Float.NEGATIVE_INFINITY) {
                            runSum[r] *= StrictMath.exp((double) top - m);
                        }
                        runMax[r] = m;
                        top = m;
                    }
                    runSum[r] += expSum(s.chunk, o, dual, from, top, len, s.lanes);
                }
            }
            for (int r = 0; r < count; r++) {
                max[at + b0 - r0 + r] = runMax[r];
                sum[at + b0 - r0 + r] = runSum[r];
            }
        }
    }

    /** max_j (a[ao + j] + b[bo + j]) over j < len (whole vectors, then a scalar tail: max is exact either way). */
    private static float maxOfSum(float[] a, int ao, float[] b, int bo, int len) {
        FloatVector acc = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            acc = acc.max(FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, b, bo + j)));
        }
        float mx = acc.reduceLanes(VectorOperators.MAX);
        for (; j < len; j++) {
            mx = Math.max(mx, a[ao + j] + b[bo + j]);
        }
        return mx;
    }

    /** Σ_j exp(a[ao + j] + b[bo + j] − shift), summed in lanes, the lanes added in order in double. */
    private static double expSum(float[] a, int ao, float[] b, int bo, float shift, int len, float[] lanes) {
        FloatVector sh = FloatVector.broadcast(F, shift);
        FloatVector acc = FloatVector.zero(F);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector x = FloatVector.fromArray(F, a, ao + j).add(FloatVector.fromArray(F, b, bo + j)).sub(sh);
            acc = acc.add(VectorExp.exp(x));
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector x = FloatVector.fromArray(F, a, ao + j, m).add(FloatVector.fromArray(F, b, bo + j, m)).sub(sh);
            acc = acc.add(VectorExp.exp(x), m);
        }
        return RowKernels.sumLanes(acc, lanes);
    }

    @Override
    public void topK(int r0, int r1, double[] u, double[] v, double maxDistance, double divisor, int[] labels, int k,
            float[] values, long[] indices, int atRow) {
        Scratch s = scratch.get();
        float[] vf = toFloats(v);
        float toLogK = toLogK(maxDistance);
        boolean sigmoid = options.sigmoid();
        // exp(lp)/divisor as exp(lp − log divisor): no overflow on the way
        float logDivisor = (float) Math.log(divisor);
        float inverse = (float) (1.0 / divisor);
        int labelled = labels == null ? 0 : labels.length;
        TopKSelector[] selectors = new TopKSelector[ROWS];
        for (int r = 0; r < ROWS; r++) {
            selectors[r] = new TopKSelector(k);
        }
        for (int b0 = r0; b0 < r1; b0 += ROWS) {
            int count = Math.min(ROWS, r1 - b0);
            packRows(s, b0, count);
            for (int r = 0; r < count; r++) {
                selectors[r].reset();
            }
            for (int ch = 0; ch < n; ch += CHUNK) {
                int chEnd = Math.min(n, ch + CHUNK);
                int len = chEnd - ch;
                logKChunk(s, b0, count, ch, chEnd, toLogK);
                for (int r = 0; r < count; r++) {
                    int i = b0 + r;
                    int o = r * CHUNK;
                    float ui = (float) u[i];
                    planRow(s.chunk, o, vf, ch, len, ui, sigmoid, logDivisor, inverse);
                    if (i < labelled) {
                        for (int j = ch; j < Math.min(chEnd, labelled); j++) {
                            s.chunk[o + j - ch] = labels[i] == labels[j] ? 1f : 0f;
                        }
                    }
                    if (options.maskDiagonal() && i >= ch && i < chEnd) {
                        s.chunk[o + i - ch] = 1f;
                    }
                    select(s.chunk, o, len, ch, selectors[r]);
                }
            }
            for (int r = 0; r < count; r++) {
                selectors[r].drainInto(values, indices, (b0 - r0 + r + atRow) * k);
            }
        }
    }

    /** a[ao + j] ← Z = exp(lp − log divisor) or sigmoid(lp)/divisor, lp = a[ao + j] + u_i + v[vo + j]. */
    private static void planRow(float[] a, int ao, float[] v, int vo, int len, float ui, boolean sigmoid,
            float logDivisor, float inverse) {
        FloatVector uv = FloatVector.broadcast(F, ui);
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            FloatVector lp = FloatVector.fromArray(F, a, ao + j).add(uv).add(FloatVector.fromArray(F, v, vo + j));
            FloatVector z = sigmoid ? VectorExp.sigmoid(lp).mul(inverse) : VectorExp.exp(lp.sub(logDivisor));
            z.intoArray(a, ao + j);
        }
        if (j < len) {
            VectorMask<Float> m = F.indexInRange(j, len);
            FloatVector lp = FloatVector.fromArray(F, a, ao + j, m).add(uv).add(FloatVector.fromArray(F, v, vo + j, m));
            FloatVector z = sigmoid ? VectorExp.sigmoid(lp).mul(inverse) : VectorExp.exp(lp.sub(logDivisor));
            z.intoArray(a, ao + j, m);
        }
    }

    /** Offers a[ao + j] (column j0 + j) to the selector; vectors with no lane above its threshold are skipped. */
    private static void select(float[] a, int ao, int len, int j0, TopKSelector selector) {
        int j = 0;
        for (int bound = F.loopBound(len); j < bound; j += L) {
            float threshold = selector.threshold();
            if (!FloatVector.fromArray(F, a, ao + j).compare(VectorOperators.GT, threshold).anyTrue()) {
                continue;
            }
            for (int t = j; t < j + L; t++) {
                if (a[ao + t] > selector.threshold()) {
                    selector.offer(a[ao + t], j0 + t);
                }
            }
        }
        for (; j < len; j++) {
            if (a[ao + j] > selector.threshold()) {
                selector.offer(a[ao + j], j0 + j);
            }
        }
    }
}
