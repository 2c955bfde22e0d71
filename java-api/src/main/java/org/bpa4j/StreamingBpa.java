package org.bpa4j;

import org.bpa4j.internal.HeapCheck;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;

/**
 * BPA of one large set (n, d) without any n×n matrix (README "Large sets"): every Sinkhorn half-step recomputes
 * the cost from the normalised rows block by block and reduces it straight to the dual vector, and a last pass
 * keeps each row's k largest entries of Z. Memory O(n·d + n·k). Made by {@link Bpa#streaming}; immutable and
 * thread-safe. {@link #topK} runs everything here on the backend's threads; the block operations below are the
 * same steps one row block at a time, for a caller that distributes them.
 *
 * <h2>Driving it over partitions (a Spark job)</h2>
 * Every worker needs the whole set (the columns of its rows' cost): broadcast X and the {@link Bpa} (it is
 * {@link java.io.Serializable}) and call {@code bpa.streaming(x, labels)} on each worker — it only normalises the
 * rows, deterministically. Split [0, n) into row blocks [r0, r1) (the partitions). Then, in this order:
 * <ol>
 * <li>Euclidean metric only: {@code maxD = max over blocks of blockMaxDistance(r0, r1)};
 *     {@code s = s.withMaxDistance(maxD)} everywhere (C = D / max D needs the max over the whole set).</li>
 * <li>{@code v = new double[n]} (v⁰ = 0). For t = 1..T:
 *   <ul>
 *   <li>row step: {@code u} = the blocks' {@code blockRows(r0, r1, v).duals()} placed at r0 (each block's own
 *       rows; nothing to merge);</li>
 *   <li>column step: {@code last} = the merge ({@link PartialLogSumExp#merge}, any order, e.g.
 *       {@code treeAggregate}) of every block's {@code blockColumns(r0, r1, u)}; {@code v = last.duals()}.
 *       Equivalently, because the cost is symmetric, {@code last} = the blocks' {@code blockRows(r0, r1, u)}
 *       placed at r0 and joined with {@link #join} — what {@link #topK} does, with no merge at all.</li>
 *   </ul></li>
 * <li>{@code divisor = s.divisor(last)}: the max-scaling's max over the whole Z comes exactly from the last
 *     column step (max_ij logP_ij = max_j −log sum_j, every entry counted, the overwritten label and diagonal
 *     entries too, as docs/MATH.md §2 step 5 precedes steps 6 and 7); 1 without max-scaling.</li>
 * <li>Output: every block's {@code blockTopK(r0, r1, u, v, divisor, k)}, joined by {@link TopKRows#concat}.</li>
 * </ol>
 * That is 2T + 1 passes over the rows (one more for the euclidean max). Every block operation's result depends
 * only on its arguments, so a retried task gives the same bits, and the result equals {@link #topK}'s up to the
 * grouping of the floating-point additions ({@link #topK} runs each half-step as one
 * {@link BlockKernel#everyRowLogSumExp}, which may serve two row blocks from one cost tile).
 */
public final class StreamingBpa {
    /** Rows per block of {@link #topK}: fixed, so that results never depend on the thread count. */
    public static final int BLOCK_ROWS = 256;

    /**
     * Told after each pass over the rows (for a progress bar), on the thread that called {@link #topK(int, Progress)},
     * never from the backend's threads; an exception it throws ends the run and reaches that caller.
     */
    @FunctionalInterface
    public interface Progress {
        /**
         * Pass {@code pass} of {@code passes} is done; the calls come in order, pass = 1, 2, .., passes.
         *
         * @param pass the passes done so far, in [1, passes]
         * @param passes the passes of the whole run, {@link #passes()}, the same in every call
         */
        void passDone(int pass, int passes);
    }

    private final BpaOptions options;
    private final BlockKernel kernel;
    private final int n;
    private final int[] labels;
    private final Device device;
    /** The euclidean cost's max D; NaN until known (always 0 for cosine). */
    private final double maxDistance;

    StreamingBpa(BpaOptions options, BlockKernel kernel, int n, int[] labels, Device device, double maxDistance) {
        this.options = options;
        this.kernel = kernel;
        this.n = n;
        this.labels = labels == null ? null : labels.clone();
        this.device = device;
        this.maxDistance = maxDistance;
    }

    /**
     * The size of the set.
     *
     * @return n, the rows of the set (and the columns of Z), ≥ 2
     */
    public int rows() {
        return n;
    }

    /**
     * The backend that computes the blocks.
     *
     * @return the device of the backend that made the block kernel (the one the {@link Bpa}'s device resolved to,
     *         or the backend given to {@link Bpa#streaming(org.bpa4j.spi.Backend, Tensor, int[])})
     */
    public Device device() {
        return device;
    }

    /**
     * Whether the cost still needs the set's max distance ({@link #withMaxDistance}) before the block operations
     * {@link #blockRows}, {@link #blockColumns} and {@link #blockTopK} ({@link #topK} finds it itself).
     *
     * @return true for the euclidean metric until {@link #withMaxDistance} gave the scale; always false for cosine
     */
    public boolean needsMaxDistance() {
        return Double.isNaN(maxDistance);
    }

    /**
     * The passes over the rows {@link #topK} makes: 2T + 1, and one more for the euclidean max distance.
     *
     * @return 2T + 1, plus 1 while {@link #needsMaxDistance()}; what {@link Progress#passDone} is told as passes
     */
    public int passes() {
        return 2 * options.iterations() + 1 + (needsMaxDistance() ? 1 : 0);
    }

    /**
     * Euclidean: max over i in [r0, r1) and every j of ‖x_i − x_j‖; merge the blocks' values with max. Needs no
     * max distance itself, so it is the first pass of a distributed run.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @return the block's largest distance, finite and ≥ 0, in the backend's units (it may have scaled the set by a
     *         power of two, {@link BlockKernel#maxDistance}): give the max over all blocks to
     *         {@link #withMaxDistance} of a {@code StreamingBpa} of the same set on the same device
     * @throws InvalidInputException when [r0, r1) is not a non-empty range of rows in [0, n), or the metric is
     *         not euclidean
     */
    public double blockMaxDistance(int r0, int r1) {
        checkBlock(r0, r1, "StreamingBpa.blockMaxDistance");
        if (options.metric() != Metric.EUCLIDEAN) {
            throw new InvalidInputException("StreamingBpa.blockMaxDistance: only the euclidean metric's cost "
                    + "has a max distance (this one is " + options.metric().label() + ")");
        }
        return kernel.maxDistance(r0, r1);
    }

    /**
     * The same set with the euclidean cost's scale known: the max over the blocks of {@link #blockMaxDistance}.
     * This instance does not change.
     *
     * @param maxDistance the max over every block of {@link #blockMaxDistance}, finite and ≥ 0 (0: every row is
     *        the same point, and every cost 0)
     * @return a new {@code StreamingBpa} of the same set, options and device whose cost is D / maxDistance;
     *         {@link #needsMaxDistance()} is false for it
     * @throws InvalidInputException when the metric is not euclidean, or maxDistance is negative, NaN or infinite
     */
    public StreamingBpa withMaxDistance(double maxDistance) {
        if (options.metric() != Metric.EUCLIDEAN) {
            throw new InvalidInputException("StreamingBpa.withMaxDistance: the " + options.metric().label()
                    + " cost has no max distance");
        }
        if (!(maxDistance >= 0) || Double.isInfinite(maxDistance)) {
            throw new InvalidInputException("StreamingBpa.withMaxDistance: the max distance must be finite and "
                    + ">= 0, got " + maxDistance);
        }
        return new StreamingBpa(options, kernel, n, labels, device, maxDistance);
    }

    /**
     * (a) The row log-sum-exps of rows [r0, r1) against a dual vector of length n: LSE_j(logK_ij + dual_j), as a
     * {@link PartialLogSumExp} over the indices [r0, r1). Its {@link PartialLogSumExp#duals} are that block's part
     * of the next dual vector.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @param dual the dual vector of the columns, length n, finite: v (all zeros for v⁰) in a row step; u in a
     *        column step run as a row step (the cost is symmetric); not changed
     * @return the complete log-sum-exps of the block's rows, offset r0 and length r1 − r0; a new value
     * @throws InvalidInputException when [r0, r1) is not a non-empty range of rows in [0, n), or dual is null, not
     *         of length n, or not finite
     * @throws IllegalStateException when the euclidean cost's max distance is not known yet
     *         ({@link #needsMaxDistance()})
     */
    public PartialLogSumExp blockRows(int r0, int r1, double[] dual) {
        checkReady(r0, r1, "StreamingBpa.blockRows");
        checkDual(dual, "StreamingBpa.blockRows: dual");
        double[] max = new double[r1 - r0];
        double[] sum = new double[r1 - r0];
        kernel.rowLogSumExp(r0, r1, dual, maxDistance, max, sum, 0);
        return PartialLogSumExp.wrap(r0, max, sum);
    }

    /**
     * (b) The partial column log-sum-exps of rows [r0, r1): for every column j &lt; n, LSE over i in [r0, r1) of
     * (dual_i + logK_ij), as a {@link PartialLogSumExp} over [0, n) that merges with the other blocks' by log-add.
     * {@code dual} has length n; only its entries [r0, r1) are used.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @param dual the row duals u of the current iteration, length n, finite (all of it is checked); not changed
     * @return the block's partial log-sum-exps of all n columns, offset 0 and length n, to merge
     *         ({@link PartialLogSumExp#merge}) with the other blocks'; a new value
     * @throws InvalidInputException when [r0, r1) is not a non-empty range of rows in [0, n), or dual is null, not
     *         of length n, or not finite
     * @throws IllegalStateException when the euclidean cost's max distance is not known yet
     *         ({@link #needsMaxDistance()})
     */
    public PartialLogSumExp blockColumns(int r0, int r1, double[] dual) {
        checkReady(r0, r1, "StreamingBpa.blockColumns");
        checkDual(dual, "StreamingBpa.blockColumns: dual");
        double[] max = new double[n];
        double[] sum = new double[n];
        kernel.columnLogSumExp(r0, r1, dual, maxDistance, max, sum);
        return PartialLogSumExp.wrap(0, max, sum);
    }

    /**
     * Row blocks' {@link #blockRows} results joined into one over [0, n) (any order; they must tile [0, n)).
     * Nothing is merged: each index comes from the one block that covers it.
     *
     * @param blocks the blocks' log-sum-exps, in any order, together covering [0, total) without gap or overlap;
     *        not changed
     * @return the log-sum-exps of [0, total), offset 0 (total = n when the blocks are every row block of a set);
     *         a new value
     * @throws InvalidInputException when blocks is null, or the blocks leave a gap, overlap, or do not start at 0
     */
    public static PartialLogSumExp join(java.util.List<PartialLogSumExp> blocks) {
        InputChecks.notNull(blocks, "StreamingBpa.join: blocks");
        java.util.List<PartialLogSumExp> sorted = new java.util.ArrayList<>(blocks);
        sorted.sort(java.util.Comparator.comparingInt(PartialLogSumExp::offset));
        int total = 0;
        for (PartialLogSumExp b : sorted) {
            if (b.offset() != total) {
                throw new InvalidInputException("StreamingBpa.join: the block at " + b.offset()
                        + " does not follow [0, " + total + ")");
            }
            total += b.length();
        }
        double[] max = new double[total];
        double[] sum = new double[total];
        for (PartialLogSumExp b : sorted) {
            for (int k = 0; k < b.length(); k++) {
                max[b.offset() + k] = b.maxAt(k);
                sum[b.offset() + k] = b.sumAt(k);
            }
        }
        return PartialLogSumExp.wrap(0, max, sum);
    }

    /**
     * What max-scaling divides Z by (docs/MATH.md §2 step 5), from the complete log-sum-exps of the last column step
     * (whose {@link PartialLogSumExp#duals} are the final v): max_ij logP_ij = max_j (m_j + v_j) = max_j −log(sum_j),
     * exact; the divisor is exp (or sigmoid) of it. 1 without max-scaling.
     *
     * @param lastColumnStep the complete column log-sum-exps of the last iteration over all n columns (the merge
     *        of every block's {@link #blockColumns}, or the {@link #join} of every block's {@link #blockRows}
     *        against u), offset 0 and length n
     * @return the divisor for {@link #blockTopK}: finite and &gt; 0; exactly 1 without max-scaling
     * @throws InvalidInputException when lastColumnStep is null or does not cover exactly the n columns [0, n)
     * @throws IllegalStateException when the largest entry of Z comes out 0 or not finite (an internal failure)
     */
    public double divisor(PartialLogSumExp lastColumnStep) {
        InputChecks.notNull(lastColumnStep, "StreamingBpa.divisor: lastColumnStep");
        if (lastColumnStep.offset() != 0 || lastColumnStep.length() != n) {
            throw new InvalidInputException("StreamingBpa.divisor: log-sum-exps of [" + lastColumnStep.offset()
                    + ", " + (lastColumnStep.offset() + lastColumnStep.length()) + ") where all n = " + n
                    + " columns were expected");
        }
        if (!options.maxScale()) {
            return 1.0;
        }
        double smallest = Double.POSITIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            smallest = Math.min(smallest, lastColumnStep.sumAt(j));
        }
        double maxLogPlan = -StrictMath.log(smallest);
        double divisor = options.sigmoid() ? sigmoid(maxLogPlan) : StrictMath.exp(maxLogPlan);
        if (!(divisor > 0) || Double.isInfinite(divisor)) {
            throw new IllegalStateException("StreamingBpa.divisor: the largest entry of Z is " + divisor
                    + " (max logP " + maxLogPlan + ")");
        }
        return divisor;
    }

    private static double sigmoid(double t) {
        return t >= 0 ? 1 / (1 + StrictMath.exp(-t)) : StrictMath.exp(t) / (1 + StrictMath.exp(t));
    }

    /**
     * (c) The k largest entries of Z's rows [r0, r1), given the final duals u, v and {@link #divisor}: Z with every
     * option (docs/MATH.md §2 steps 4–7), each row in descending order of value, ties to the lower column index.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @param u the final row duals uᵀ, length n, finite (the duals of the last row step's blocks placed at r0)
     * @param v the final column duals vᵀ, length n, finite (the last column step's
     *        {@link PartialLogSumExp#duals})
     * @param divisor {@link #divisor} of the last column step: finite and &gt; 0
     * @param k the entries kept per row, in [1, n]
     * @return the block's rows, firstRow r0 and rows r1 − r0, k entries each, for {@link TopKRows#concat}
     * @throws InvalidInputException when [r0, r1) is not a non-empty range of rows in [0, n), u or v is null, not of
     *         length n or not finite, k is outside [1, n], divisor is not finite and &gt; 0, or the heap cannot hold
     *         the (r1 − r0)·k entries (12 bytes each)
     * @throws IllegalStateException when the euclidean cost's max distance is not known yet
     *         ({@link #needsMaxDistance()})
     */
    public TopKRows blockTopK(int r0, int r1, double[] u, double[] v, double divisor, int k) {
        checkReady(r0, r1, "StreamingBpa.blockTopK");
        checkDual(u, "StreamingBpa.blockTopK: u");
        checkDual(v, "StreamingBpa.blockTopK: v");
        checkK(k, "StreamingBpa.blockTopK");
        if (!(divisor > 0) || Double.isInfinite(divisor)) {
            throw new InvalidInputException("StreamingBpa.blockTopK: divisor must be finite and > 0, got "
                    + divisor);
        }
        int rows = r1 - r0;
        HeapCheck.require((long) rows * k * (Float.BYTES + Long.BYTES), "StreamingBpa.blockTopK");
        float[] values = new float[rows * k];
        long[] indices = new long[rows * k];
        kernel.topK(r0, r1, u, v, maxDistance, divisor, labels, k, values, indices, 0);
        return new TopKRows(r0, rows, k, values, indices);
    }

    /**
     * (d) Every row's k largest entries of Z: {@link #topK(int, Progress)} without progress reports.
     *
     * @param k the entries kept per row, in [1, n]
     * @return all n rows (firstRow 0), k entries each
     * @throws InvalidInputException as {@link #topK(int, Progress)}
     */
    public TopKRows topK(int k) {
        return topK(k, null);
    }

    /**
     * (d) Every row's k largest entries of Z on the backend's threads: each half-step is one
     * {@link BlockKernel#everyRowLogSumExp} over all rows (the CPU backend computes each cost tile once for a
     * row block and, transposed, its mirror block: about half the FMAs of {@link #blockRows} over every block),
     * the top-k pass the block operation in blocks of {@link #BLOCK_ROWS} rows; bit for bit the same whatever the
     * thread count.
     *
     * @param k the entries kept per row, in [1, n]
     * @param progress told after each of the {@link #passes} passes, on this thread, or null
     * @return all n rows (firstRow 0), k entries each, each row in descending order of value (ties to the lower
     *         column index)
     * @throws InvalidInputException when k is outside [1, n], n·k entries do not fit in one Java array, or the heap
     *         cannot hold the result (12 bytes an entry) and the half-steps' buffers (with the figures)
     */
    public TopKRows topK(int k, Progress progress) {
        checkK(k, "StreamingBpa.topK");
        if ((long) n * k > MemoryEstimate.MAX_ARRAY) {
            throw new InvalidInputException("StreamingBpa.topK: n·k = " + n + "·" + k + " entries ("
                    + HeapCheck.bytes(topKBytes(n, k)) + ") do not fit in one Java array; choose k <= "
                    + MemoryEstimate.MAX_ARRAY / n);
        }
        HeapCheck.require(topKBytes(n, k) + kernel.everyRowLogSumExpBytes(), "StreamingBpa.topK");
        int passes = passes();
        int done = 0;
        int blocks = (n + BLOCK_ROWS - 1) / BLOCK_ROWS;
        double scale = maxDistance;
        if (needsMaxDistance()) {
            double[] perBlock = new double[blocks];
            kernel.forEach(blocks, b -> perBlock[b] = kernel.maxDistance(b * BLOCK_ROWS, end(b)));
            scale = 0;
            for (double m : perBlock) {
                scale = Math.max(scale, m);
            }
            report(progress, ++done, passes);
        }
        double[] u = new double[n];
        double[] v = new double[n];
        double[] max = new double[n];
        double[] sum = new double[n];
        double cost = scale;
        for (int t = 0; t < options.iterations(); t++) {
            rowStep(blocks, v, cost, max, sum, u);
            report(progress, ++done, passes);
            // the column step as a row step against u: the cost is symmetric
            rowStep(blocks, u, cost, max, sum, v);
            report(progress, ++done, passes);
        }
        double divisor = divisor(PartialLogSumExp.wrap(0, max, sum));
        float[] values = new float[n * k];
        long[] indices = new long[n * k];
        kernel.forEach(blocks, b -> kernel.topK(b * BLOCK_ROWS, end(b), u, v, cost, divisor, labels, k, values,
                indices, b * BLOCK_ROWS));
        report(progress, ++done, passes);
        return new TopKRows(0, n, k, values, indices);
    }

    /**
     * out_i = −LSE_j(logK_ij + dual_j) for every row in one {@link BlockKernel#everyRowLogSumExp} (which may use
     * the cost's symmetry); max and sum keep the log-sum-exps.
     */
    private void rowStep(int blocks, double[] dual, double cost, double[] max, double[] sum, double[] out) {
        kernel.everyRowLogSumExp(dual, cost, max, sum);
        kernel.forEach(blocks, b -> {
            for (int i = b * BLOCK_ROWS; i < end(b); i++) {
                out[i] = -(max[i] + StrictMath.log(sum[i]));
            }
        });
    }

    private int end(int block) {
        return Math.min(n, (block + 1) * BLOCK_ROWS);
    }

    private static void report(Progress progress, int pass, int passes) {
        if (progress != null) {
            progress.passDone(pass, passes);
        }
    }

    /** Heap the whole-set top-k holds besides the rows: values and indices (n, k) and four vectors of n. */
    static long topKBytes(int n, int k) {
        return (long) n * k * (Float.BYTES + Long.BYTES) + 4L * n * Double.BYTES;
    }

    private void checkK(int k, String where) {
        if (k < 1 || k > n) {
            throw new InvalidInputException(where + ": k must be in [1, n] = [1, " + n + "], got " + k);
        }
    }

    private void checkBlock(int r0, int r1, String where) {
        if (r0 < 0 || r1 > n || r0 >= r1) {
            throw new InvalidInputException(where + ": the block [" + r0 + ", " + r1 + ") is not a non-empty "
                    + "range of rows in [0, " + n + ")");
        }
    }

    private void checkReady(int r0, int r1, String where) {
        checkBlock(r0, r1, where);
        if (needsMaxDistance()) {
            throw new IllegalStateException(where + ": the euclidean cost needs the set's max distance first "
                    + "(blockMaxDistance over every block, then withMaxDistance)");
        }
    }

    private void checkDual(double[] dual, String what) {
        InputChecks.notNull(dual, what);
        if (dual.length != n) {
            throw new InvalidInputException(what + " has length " + dual.length + " where n = " + n
                    + " was expected");
        }
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(dual[i])) {
                throw new InvalidInputException(what + " is not finite at index " + i + ": " + dual[i]);
            }
        }
    }
}
