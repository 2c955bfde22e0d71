package org.bpa4j.spi;

import java.util.function.IntConsumer;

/**
 * The row-block operations of the streaming BPA (README "Large sets"; DESIGN "Large sets and beyond one
 * machine") on one prepared set of n rows: every operation recomputes the cost of rows [r0, r1) against all n
 * columns from the (normalised) rows, tile by tile, and reduces it at once, so no n×n buffer ever exists.
 * Made by {@link Backend#blockKernel}; driven by {@link org.bpa4j.StreamingBpa}, which validates every argument
 * first.
 *
 * <p>Notation (docs/MATH.md §1, §2): logK_ij = −C_ij/ε with C_ii = 1e5 when the diagonal is masked; C is symmetric. For
 * the euclidean metric C = D / {@code maxDistance}, the caller passing the exact max of D over the whole set
 * (from {@link #maxDistance}); for cosine the argument is ignored.
 *
 * <p>Contract: thread-safe (several threads may call any operation at once; a kernel may keep scratch buffers
 * between calls, never results); every result depends only on the arguments and on the rows of the block, never
 * on the thread count, on other blocks, or on the order of calls, so that a recomputed block (a retried Spark
 * task) gives the same bits. The kernel does not check its arguments: a block [r0, r1) is a non-empty range in
 * [0, n), a dual vector has length n and is finite, and every output array is long enough, as
 * {@link org.bpa4j.StreamingBpa} ensures (it throws {@link org.bpa4j.InvalidInputException} otherwise).
 */
public interface BlockKernel {
    /**
     * The size of the set.
     *
     * @return n, the rows of the set (and the columns of its cost), ≥ 2
     */
    int rows();

    /**
     * max over i in [r0, r1) and every j of D_ij = ‖x_i − x_j‖ (the euclidean cost's scale); 0 for cosine. In the
     * kernel's own units (a backend may scale the set by a power of two to keep squares finite): the max over the
     * blocks is only ever passed back to the same kernel as {@code maxDistance}.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @return the block's largest distance, ≥ 0 and finite, in the kernel's units (0 when every row is the same
     *         point); 0 for the cosine metric
     */
    double maxDistance(int r0, int r1);

    /**
     * Row log-sum-exps of the block against a dual vector of length n: for i in [r0, r1),
     * max[at + i − r0] = m_i = max_j (logK_ij + dual_j) and sum[at + i − r0] = Σ_j exp(logK_ij + dual_j − m_i),
     * so LSE_j(logK_ij + dual_j) = m_i + log(sum_i).
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @param dual the dual vector of the columns (v in a row step, u in a column step run as a row step), length n,
     *        finite; read only
     * @param maxDistance the euclidean cost's scale, the max over the whole set of {@link #maxDistance} (C = D / it;
     *        0 makes every cost 0); ignored for cosine
     * @param max receives m_i at [at, at + r1 − r0); nothing else is written
     * @param sum receives sum_i, in [1, n] (the largest term counts 1), at the same places
     * @param at where row r0's values go in {@code max} and {@code sum}: 0 for arrays of the block, r0 for
     *        arrays of all n rows
     */
    void rowLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum, int at);

    /** Rows per task of the default {@link #everyRowLogSumExp}: fixed, so that its bits never depend on the threads. */
    int SWEEP_BLOCK_ROWS = 256;

    /**
     * One whole Sinkhorn half-step: the row log-sum-exps of every row i &lt; n against {@code dual} (length n), as
     * {@link #rowLogSumExp} over [0, n) writes them to max[i] and sum[i]. A kernel may compute it differently from
     * the per-block operation (e.g. one cost tile C[I, J] serving both row block I against dual_J and, transposed,
     * row block J against dual_I, since C is symmetric), so its last bits may differ from {@link #rowLogSumExp}'s;
     * they must not depend on the thread count. The default runs {@link #rowLogSumExp} on blocks of
     * {@link #SWEEP_BLOCK_ROWS} rows on {@link #forEach}.
     *
     * @param dual the dual vector of the columns, length n, finite; read only
     * @param maxDistance the euclidean cost's scale, as for {@link #rowLogSumExp}; ignored for cosine
     * @param max receives m_i for every row i, length n
     * @param sum receives sum_i for every row i, length n
     */
    default void everyRowLogSumExp(double[] dual, double maxDistance, double[] max, double[] sum) {
        int n = rows();
        int blocks = (n + SWEEP_BLOCK_ROWS - 1) / SWEEP_BLOCK_ROWS;
        forEach(blocks, b -> {
            int r0 = b * SWEEP_BLOCK_ROWS;
            rowLogSumExp(r0, Math.min(n, r0 + SWEEP_BLOCK_ROWS), dual, maxDistance, max, sum, r0);
        });
    }

    /**
     * The heap one {@link #everyRowLogSumExp} call needs for itself (its partial sums), so that a caller can check
     * the heap before a run rather than fail in its middle.
     *
     * @return bytes, ≥ 0; 0 by default
     */
    default long everyRowLogSumExpBytes() {
        return 0;
    }

    /**
     * The block's partial column log-sum-exps against the dual of its rows: for every column j &lt; n,
     * max[j] = max_{i in [r0, r1)} (dual_i + logK_ij) and sum[j] = Σ_{i in [r0, r1)} exp(dual_i + logK_ij − max[j])
     * (max[j] = −∞ and sum[j] = 0 when the block is empty). {@code dual} has length n; only [r0, r1) is read.
     * Partials of different blocks merge by log-add into the full column log-sum-exps of a column step.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @param dual the dual vector of the rows (u), length n, finite; only its entries [r0, r1) are read
     * @param maxDistance the euclidean cost's scale, as for {@link #rowLogSumExp}; ignored for cosine
     * @param max receives max[j] for every column j, length n
     * @param sum receives sum[j] for every column j, length n
     */
    void columnLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum);

    /**
     * The k largest entries of the rows [r0, r1) of Z (docs/MATH.md §2 steps 4–7): logP_ij = u_i + logK_ij + v_j,
     * Z_ij = f(logP_ij) / divisor (f = exp or sigmoid), then the label block (i, j &lt; labels.length) set to 1 where
     * the labels agree and 0 where they differ, then Z_ii = 1 when the diagonal is masked. Row i's entries go to
     * values/indices[(i − r0 + atRow)·k + c], c = 0..k−1, in descending order of value, ties to the lower index.
     *
     * @param r0 the block's first row, in [0, n)
     * @param r1 one past its last row, in (r0, n]
     * @param u the final row duals, length n, finite (only [r0, r1) is read)
     * @param v the final column duals, length n, finite
     * @param maxDistance the euclidean cost's scale, as for {@link #rowLogSumExp}; ignored for cosine
     * @param divisor what Z is divided by: the max-scaling's largest entry of the whole Z
     *        ({@link org.bpa4j.StreamingBpa#divisor}), or 1; finite and &gt; 0
     * @param labels the labels of the first rows, or null
     * @param k the entries kept per row, in [1, n]
     * @param values receives the values, float32 (rounded from double), at the places said above
     * @param indices receives their column indices, in [0, n), at the same places
     * @param atRow the row of the output arrays that row r0 goes to: 0 for arrays of the block, r0 for arrays of
     *        all n rows
     */
    void topK(int r0, int r1, double[] u, double[] v, double maxDistance, double divisor, int[] labels, int k,
            float[] values, long[] indices, int atRow);

    /**
     * Runs body(0..tasks−1), each once, returning when all are done: the backend's own threads where it has
     * them. Each task writes only its own outputs. The default runs them one after the other here. A backend may
     * also run them on the calling thread alone (e.g. a call made from inside a task, or while its threads are busy
     * with another call); the tasks must not depend on which thread runs them.
     *
     * @param tasks how many tasks, ≥ 0 (none runs for 0)
     * @param body the task, given its number in [0, tasks); an exception it throws reaches the caller
     */
    default void forEach(int tasks, IntConsumer body) {
        for (int t = 0; t < tasks; t++) {
            body.accept(t);
        }
    }
}
