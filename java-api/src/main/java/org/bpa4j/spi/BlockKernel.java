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
 * <p>Contract: stateless and thread-safe; every result depends only on the arguments and on the rows of the
 * block, never on the thread count, on other blocks, or on the order of calls, so that a recomputed block (a
 * retried Spark task) gives the same bits.
 */
public interface BlockKernel {
    /** n, the rows of the set. */
    int rows();

    /**
     * max over i in [r0, r1) and every j of D_ij = ‖x_i − x_j‖ (the euclidean cost's scale); 0 for cosine. In the
     * kernel's own units (a backend may scale the set by a power of two to keep squares finite): the max over the
     * blocks is only ever passed back to the same kernel as {@code maxDistance}.
     */
    double maxDistance(int r0, int r1);

    /**
     * Row log-sum-exps of the block against a dual vector of length n: for i in [r0, r1),
     * max[at + i − r0] = m_i = max_j (logK_ij + dual_j) and sum[at + i − r0] = Σ_j exp(logK_ij + dual_j − m_i),
     * so LSE_j(logK_ij + dual_j) = m_i + log(sum_i).
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
     */
    default void everyRowLogSumExp(double[] dual, double maxDistance, double[] max, double[] sum) {
        int n = rows();
        int blocks = (n + SWEEP_BLOCK_ROWS - 1) / SWEEP_BLOCK_ROWS;
        forEach(blocks, b -> {
            int r0 = b * SWEEP_BLOCK_ROWS;
            rowLogSumExp(r0, Math.min(n, r0 + SWEEP_BLOCK_ROWS), dual, maxDistance, max, sum, r0);
        });
    }

    /** Heap bytes one {@link #everyRowLogSumExp} call allocates for itself (its partial sums); 0 by default. */
    default long everyRowLogSumExpBytes() {
        return 0;
    }

    /**
     * The block's partial column log-sum-exps against the dual of its rows: for every column j &lt; n,
     * max[j] = max_{i in [r0, r1)} (dual_i + logK_ij) and sum[j] = Σ_{i in [r0, r1)} exp(dual_i + logK_ij − max[j])
     * (max[j] = −∞ and sum[j] = 0 when the block is empty). {@code dual} has length n; only [r0, r1) is read.
     */
    void columnLogSumExp(int r0, int r1, double[] dual, double maxDistance, double[] max, double[] sum);

    /**
     * The k largest entries of the rows [r0, r1) of Z (docs/MATH.md §2 steps 4–7): logP_ij = u_i + logK_ij + v_j,
     * Z_ij = f(logP_ij) / divisor (f = exp or sigmoid), then the label block (i, j &lt; labels.length) set to 1 where
     * the labels agree and 0 where they differ, then Z_ii = 1 when the diagonal is masked. Row i's entries go to
     * values/indices[(i − r0 + atRow)·k + c], c = 0..k−1, in descending order of value, ties to the lower index.
     *
     * @param labels the labels of the first rows, or null
     */
    void topK(int r0, int r1, double[] u, double[] v, double maxDistance, double divisor, int[] labels, int k,
            float[] values, long[] indices, int atRow);

    /**
     * Runs body(0..tasks−1), each once, returning when all are done: the backend's own threads where it has
     * them. Each task writes only its own outputs. The default runs them one after the other here.
     */
    default void forEach(int tasks, IntConsumer body) {
        for (int t = 0; t < tasks; t++) {
            body.accept(t);
        }
    }
}
