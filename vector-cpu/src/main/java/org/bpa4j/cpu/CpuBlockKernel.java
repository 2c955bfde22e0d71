package org.bpa4j.cpu;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;
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
 * the rows and their packed copy (2·n·d floats), a chunk buffer per thread, and for the whole-set half-step
 * ({@link #everyRowLogSumExp}, which uses the cost's symmetry) n·B partial (max, sum) pairs, B ≤ 32 column
 * blocks. The per-block operations run every row's arithmetic in a fixed order over the chunks, whatever block or
 * thread it falls in, so their results are the same bits on any thread count and for any blocking; the
 * whole-set half-step's depend only on n, never on the threads.
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
    private static final int SWEEP_BLOCK_ROWS = BlockKernel.SWEEP_BLOCK_ROWS;

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
    /** The last symmetric sweep's partials, for the next one (null while a sweep holds them). */
    private final AtomicReference<Partials> spare = new AtomicReference<>();

    CpuBlockKernel(BpaOptions options, Tensor x, ThreadTeam team) {
        this.options = options;
        this.n = x.rows();
        this.d = x.cols();
        this.team = team;
        this.euclidean = options.metric() == Metric.EUCLIDEAN;
        float[] raw = x.toFloatArray();
        this.rows = euclidean ? new EuclideanCost(raw, n, d, options.reg()).centredRows()
                : new CosineCost(raw, n, d, options.reg(), team).unitRows();
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
        /** The symmetric sweep's rows of one pass and columns of one tile: running (max, sum), reused. */
        final float[] runMax = new float[ROWS];
        final double[] runSum = new double[ROWS];
        float[] colMax = new float[0];
        double[] colSum = new double[0];

        /** colMax and colSum of at least {@code size} entries. */
        void columns(int size) {
            if (colMax.length < size) {
                colMax = new float[size];
                colSum = new double[size];
            }
        }

        Scratch(int d) {
            // whole MR-row panels: ROWS need not be a multiple of MR (6 rows with 128-bit vectors and 16 registers)
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
     * Columns per block of the symmetric sweep: a multiple of CHUNK, at least 512 and large enough that there are at
     * most {@link #SWEEP_MAX_BLOCKS} blocks (so the partials stay O(n)). Depends only on n, never on the threads.
     */
    static int sweepBlock(int n) {
        int perBlock = (n + SWEEP_MAX_BLOCKS - 1) / SWEEP_MAX_BLOCKS;
        return Math.max(512, (perBlock + CHUNK - 1) / CHUNK * CHUNK);
    }

    /** The most column blocks of the symmetric sweep: its partials are n·blocks·12 bytes (≤ 38 MB at n = 100,000). */
    static final int SWEEP_MAX_BLOCKS = 32;

    @Override
    public long everyRowLogSumExpBytes() {
        int width = sweepBlock(n);
        long blocks = (n + width - 1) / width;
        return blocks * n * (Float.BYTES + Double.BYTES);
    }

    /**
     * The half-step with the cost's symmetry: the columns are cut into B blocks of {@link #sweepBlock} and each tile
     * C[I, J], I ≤ J, is computed once, by one task, giving the partial (max, sum) of row block I over the columns J
     * (against dual_J) and, read by columns, of row block J over the columns I (against dual_I); a diagonal tile only
     * the first. That is (B + 1)/(2B) of the rows-times-columns FMAs; the exponentials stay n². Each (row, column
     * block) partial is made by exactly one task in a fixed order, and a row's B partials are merged in column-block
     * order, so the bits do not depend on the thread count. Heap: the partials, n·B·(4 + 8) bytes
     * ({@link #everyRowLogSumExpBytes}; 21.6 MB at n = 60,000, 37 MB at n = 100,000), kept by the kernel for its
     * next sweep, and per thread one block's column state (12 bytes a column).
     */
    @Override
    public void everyRowLogSumExp(double[] dual, double maxDistance, double[] max, double[] sum) {
        float[] df = toFloats(dual);
        float toLogK = toLogK(maxDistance);
        int width = sweepBlock(n);
        int blocks = (n + width - 1) / width;
        Partials parts = spare.getAndSet(null);
        if (parts == null) {
            parts = new Partials(new float[blocks * n], new double[blocks * n]);
        }
        float[] partMax = parts.max();
        double[] partSum = parts.sum();
        int[] tileRow = new int[blocks * (blocks + 1) / 2];
        int[] tileColumn = new int[tileRow.length];
        int t = 0;
        for (int bi = 0; bi < blocks; bi++) {
            for (int bj = bi; bj < blocks; bj++) {
                tileRow[t] = bi;
                tileColumn[t++] = bj;
            }
        }
        team.forEach(tileRow.length, tile -> sweepTile(tileRow[tile], tileColumn[tile], width, df, toLogK, partMax,
                partSum));
        int rowBlocks = (n + SWEEP_BLOCK_ROWS - 1) / SWEEP_BLOCK_ROWS;
        team.forEach(rowBlocks, b -> {
            for (int i = b * SWEEP_BLOCK_ROWS; i < Math.min(n, (b + 1) * SWEEP_BLOCK_ROWS); i++) {
                float top = Float.NEGATIVE_INFINITY;
                for (int c = 0; c < blocks; c++) {
                    top = Math.max(top, partMax[c * n + i]);
                }
                double total = 0;
                for (int c = 0; c < blocks; c++) {
                    float m = partMax[c * n + i];
                    double part = partSum[c * n + i];
                    total += m == top ? part : part * StrictMath.exp((double) m - top);
                }
                max[i] = top;
                sum[i] = total;
            }
        });
        // every entry is rewritten by the next sweep: kept for it (a concurrent sweep makes its own)
        spare.set(parts);
    }

    /** The symmetric sweep's per-(row, column block) partials, block-major: [block·n + row]. */
    private record Partials(float[] max, double[] sum) {
    }

    /**
     * Tile (I, J) of the symmetric sweep: the partials of rows I over columns J into partMax/partSum[J·n + i] and,
     * when I &lt; J, of rows J over columns I into [I·n + j], online over the chunks and the row passes in order.
     */
    private void sweepTile(int bi, int bj, int width, float[] dual, float toLogK, float[] partMax, double[] partSum) {
        Scratch s = scratch.get();
        int i0 = bi * width;
        int i1 = Math.min(n, i0 + width);
        int j0 = bj * width;
        int j1 = Math.min(n, j0 + width);
        boolean mirror = bi != bj;
        float[] runMax = s.runMax;
        double[] runSum = s.runSum;
        s.columns(j1 - j0 + L);
        float[] colMax = s.colMax;
        double[] colSum = s.colSum;
        if (mirror) {
            Arrays.fill(colMax, 0, j1 - j0 + L, Float.NEGATIVE_INFINITY);
            Arrays.fill(colSum, 0, j1 - j0 + L, 0);
        }
        for (int b0 = i0; b0 < i1; b0 += ROWS) {
            int count = Math.min(ROWS, i1 - b0);
            packRows(s, b0, count);
            Arrays.fill(runMax, Float.NEGATIVE_INFINITY);
            Arrays.fill(runSum, 0);
            for (int ch = j0; ch < j1; ch += CHUNK) {
                int chEnd = Math.min(j1, ch + CHUNK);
                int len = chEnd - ch;
                logKChunk(s, b0, count, ch, chEnd, toLogK);
                for (int r = 0; r < count; r++) {
                    rowChunk(s, r * CHUNK, dual, ch, len, runMax, runSum, r);
                }
                if (mirror) {
                    ColumnLogSumExp.chunk(s.chunk, CHUNK, count, len, dual, b0, colMax, colSum, ch - j0, s.lanes);
                }
            }
            for (int r = 0; r < count; r++) {
                partMax[bj * n + b0 + r] = runMax[r];
                partSum[bj * n + b0 + r] = runSum[r];
            }
        }
        if (mirror) {
            for (int j = j0; j < j1; j++) {
                partMax[bi * n + j] = colMax[j - j0];
                partSum[bi * n + j] = colSum[j - j0];
            }
        }
    }

    /** One chunk row (len columns from column c of dual) into row r's running (max, sum): max first, then Σ exp. */
    private static void rowChunk(Scratch s, int o, float[] dual, int c, int len, float[] runMax, double[] runSum,
            int r) {
        float m = maxOfSum(s.chunk, o, dual, c, len);
        float top = runMax[r];
        if (m > top) {
            if (top != Float.NEGATIVE_INFINITY) {
                runSum[r] *= StrictMath.exp((double) top - m);
            }
            runMax[r] = m;
            top = m;
        }
        runSum[r] += expSum(s.chunk, o, dual, c, top, len, s.lanes);
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
                    rowChunk(s, r * CHUNK + (from - ch), dual, from, len, runMax, runSum, r);
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
