package org.bpa4j.cuda;

import java.util.function.Supplier;
import org.bpa4j.cuda.DeviceBuffer.View;

/**
 * One typed method per kernel of the fatbin, the arguments in the order of the kernel's parameters
 * (native-cuda/src/main/cuda/*.cu); null views are null pointers. Launches are asynchronous on the
 * workspace's stream.
 */
final class KernelLaunches {
    /** Where launches go: the GPU, or (in the tests) a recorder that checks them against the kernels' signatures. */
    @FunctionalInterface
    interface Launcher {
        void launch(String kernel, long gx, int gy, int gz, int bx, int by, int sharedBytes, KernelArgs args);
    }

    private final Launcher launcher;
    private final Supplier<KernelArgs> argSlots;

    KernelLaunches(CudaContext context, Workspace ws) {
        this((kernel, gx, gy, gz, bx, by, shared, args) -> context.kernel(kernel).launch(ws, gx, gy, gz, bx, by, shared,
                args), ws::args);
    }

    KernelLaunches(Launcher launcher, Supplier<KernelArgs> argSlots) {
        this.launcher = launcher;
        this.argSlots = argSlots;
    }

    /** The argument slots, emptied for the next launch. */
    private KernelArgs args() {
        return argSlots.get();
    }

    private void launch(String kernel, long blocks, int threads, KernelArgs args) {
        launcher.launch(kernel, blocks, 1, 1, threads, 1, 0, args);
    }

    private void launch(String kernel, long gx, int gy, int gz, int bx, int by, KernelArgs args) {
        launcher.launch(kernel, gx, gy, gz, bx, by, 0, args);
    }

    private void launch(String kernel, long gx, int gy, int gz, int bx, int by, int sharedBytes, KernelArgs args) {
        launcher.launch(kernel, gx, gy, gz, bx, by, sharedBytes, args);
    }

    private void warpPerRow(String kernel, long rows, KernelArgs args) {
        launch(kernel, LaunchShape.warpRowBlocks(rows), LaunchShape.WARP_ROWS_BLOCK, args);
    }

    private void blockPerRow(String kernel, BaseMatrix m, KernelArgs args) {
        launch(kernel, m.totalRows(), LaunchShape.rowBlock(m.cols()), args);
    }

    private void gridStride(String kernel, long elements, KernelArgs args) {
        launch(kernel, LaunchShape.strideBlocks(elements), LaunchShape.STRIDE_BLOCK, args);
    }

    void normalizeRows(View x, View unit, View norms, View sqNorms, int rows, int d) {
        warpPerRow("bpa_normalize_rows", rows, args().ptr(x).ptr(unit).ptr(norms).ptr(sqNorms).i32(rows).i32(d));
    }

    void euclideanDistances(View gram, View sqNorms, int sets, int n, View rowMax) {
        launch("bpa_euclidean_distances", (long) sets * n, LaunchShape.rowBlock(n),
                args().ptr(gram).ptr(sqNorms).i32(n).ptr(rowMax));
    }

    void reduceMaxPerSet(View in, int sets, int len, View out) {
        launch("reduce_max_per_set", sets, LaunchShape.REDUCE_BLOCK,
                args().ptr(in).i32(len).ptr(out));
    }

    /** Also serves as row sums: a matrix's rows are "sets" of cols values. */
    void reduceSumPerSet(View in, long sets, int len, View out) {
        launch("reduce_sum_per_set", sets, LaunchShape.rowBlock(len),
                args().ptr(in).i32(len).ptr(out));
    }

    /**
     * Sets are on gridDim.y here (and on gridDim.z for the transpose), which the device limits to
     * {@link Kernel#MAX_GRID_YZ}: more sets go in chunks of that many, each launch on its own part of the
     * buffers.
     */
    void columnSums(View m, int sets, int rows, int cols, View out) {
        for (int first = 0; first < sets; first += Kernel.MAX_GRID_YZ) {
            int chunk = Math.min(Kernel.MAX_GRID_YZ, sets - first);
            launch("column_sums", (cols + 31) / 32, chunk, 1, 32, 8,
                    args().ptr(m.plus((long) first * rows * cols)).i32(rows).i32(cols).ptr(out.plus((long) first * cols)));
        }
    }

    void transpose(View in, int sets, int rows, int cols, View out) {
        for (int first = 0; first < sets; first += Kernel.MAX_GRID_YZ) {
            int chunk = Math.min(Kernel.MAX_GRID_YZ, sets - first);
            long offset = (long) first * rows * cols;
            launch("transpose_sets", (cols + 31) / 32, (rows + 31) / 32, chunk, 32, 8,
                    args().ptr(in.plus(offset)).i32(rows).i32(cols).ptr(out.plus(offset)));
        }
    }

    void gatherHistorySlot(View hist, View setIters, int sets, int len, View out) {
        gridStride("gather_history_slot", (long) sets * len,
                args().ptr(hist).ptr(setIters).i32(sets).i32(len).ptr(out));
    }

    void scatterHistorySlot(View in, View setIters, int sets, int len, View hist) {
        gridStride("scatter_history_slot", (long) sets * len,
                args().ptr(in).ptr(setIters).i32(sets).i32(len).ptr(hist));
    }

    /** out_i = logMarg_i − LSE_j(logK_ij + add_j); maxLogP (optional) the row's largest logP. */
    void lseRows(BaseMatrix m, View add, View logMarg, View out, View maxLogP) {
        blockPerRow("sinkhorn_lse_rows", m, m.push(args()).ptr(add).ptr(logMarg).ptr(out).ptr(maxLogP));
    }

    /** out_i = carry_i − Σ_j w_j exp(rowShift_i + logK_ij + colAdd_j − colSub_j) (see the kernel). */
    void weightedExpRowSum(BaseMatrix m, View rowShift, View colAdd, View colSub, View weight, View carry, int t,
            View setIters, View out) {
        blockPerRow("sinkhorn_weighted_exp_rowsum", m, m.push(args()).ptr(rowShift).ptr(colAdd).ptr(colSub)
                .ptr(weight).ptr(carry).i32(t).ptr(setIters).ptr(out));
    }

    void output(BaseMatrix m, View u, View v, int mode, View setMaxLogP, View labels, View labelCounts,
            int labelStride, View out) {
        blockPerRow("bpa_output", m, m.push(args()).ptr(u).ptr(v).i32(mode).ptr(setMaxLogP).ptr(labels)
                .ptr(labelCounts).i32(labelStride).ptr(out));
    }

    void gradLogP(BaseMatrix m, View u, View v, int mode, View setMaxLogP, View labelCounts, View grad, View rowSums) {
        blockPerRow("bpa_grad_logp", m, m.push(args()).ptr(u).ptr(v).i32(mode).ptr(setMaxLogP).ptr(labelCounts)
                .ptr(grad).ptr(rowSums));
    }

    void gradCombine(BaseMatrix m, View u, View v, View gradU, View gradV, View logA, View logB, int iterations,
            View setIters, View grad, float outScale, boolean zeroDiagonal, View rowDot, View rowTies) {
        blockPerRow("sinkhorn_grad_combine", m, m.push(args()).ptr(u).ptr(v).ptr(gradU).ptr(gradV).ptr(logA)
                .ptr(logB).i32(m.sets()).i32(iterations).ptr(setIters).ptr(grad).f32(outScale)
                .i32(zeroDiagonal ? 1 : 0).ptr(rowDot).ptr(rowTies));
    }

    /** Forward pass of every set in one launch (small_set.cuh); out may be the base matrix. */
    void smallForward(BaseMatrix m, int iterations, int mode, View labels, View labelCounts, int labelStride, View u,
            View v, View setMaxLogP, View out) {
        launch(SmallSets.FORWARD_KERNEL, m.sets(), 1, 1, SmallSets.THREADS, 1,
                Math.toIntExact(SmallSets.forwardSharedBytes(m.rows())),
                m.push(args()).i32(m.sets()).i32(iterations).i32(mode).ptr(labels).ptr(labelCounts).i32(labelStride)
                        .ptr(u).ptr(v).ptr(setMaxLogP).ptr(out));
    }

    /** Backward pass of every set in one launch (small_set.cuh): grad from ∂L/∂Z to outScale·∂L/∂logK. */
    void smallBackward(BaseMatrix m, int iterations, View u, View v, int mode, View setMaxLogP, View labelCounts,
            View grad, float outScale, boolean symmetrize, View dotSum, View tieSum) {
        launch(SmallSets.BACKWARD_KERNEL, m.sets(), 1, 1, SmallSets.THREADS, 1,
                Math.toIntExact(SmallSets.backwardSharedBytes(m.rows(), iterations)),
                m.push(args()).i32(m.sets()).i32(iterations).ptr(u).ptr(v).i32(mode).ptr(setMaxLogP)
                        .ptr(labelCounts).ptr(grad).f32(outScale).i32(symmetrize ? 1 : 0).ptr(dotSum).ptr(tieSum));
    }

    void euclideanWeights(View grad, View dist, int sets, int n, View setScale, View dotSum, View tieSum,
            View rowSums) {
        launch("bpa_euclidean_weights", (long) sets * n, LaunchShape.rowBlock(n),
                args().ptr(grad).ptr(dist).i32(n).ptr(setScale).ptr(dotSum).ptr(tieSum).ptr(rowSums));
    }

    void cosineInputGrad(View unit, View norms, View gradUnit, View gx, int rows, int d) {
        warpPerRow("bpa_cosine_input_grad", rows,
                args().ptr(unit).ptr(norms).ptr(gradUnit).ptr(gx).i32(rows).i32(d));
    }

    void euclideanInputGrad(View x, View rowSums, View colSums, View vx, View gx, int rows, int d) {
        gridStride("bpa_euclidean_input_grad", (long) rows * d,
                args().ptr(x).ptr(rowSums).ptr(colSums).ptr(vx).ptr(gx).i32(rows).i32(d));
    }

    /** The BAM layout's kernel arguments (BAM_LAYOUT_ARGS of bam_kernels.cu). */
    private static KernelArgs layout(KernelArgs args, org.bpa4j.spi.BamLayout l) {
        return args.i32(l.batch()).i32(l.views()).i32(l.largeCrops()).i32(l.targets()).i32(l.positiveMasking() ? 1 : 0);
    }

    /** out[r] = −LSE_k(q[r, k]/ε + add_k) over unmasked k, every row of a rows×cols matrix. */
    void bamTargetLseRows(View q, int rows, int cols, org.bpa4j.spi.BamLayout l, float invReg, View add, View out) {
        launch("bam_target_lse_rows", rows, LaunchShape.rowBlock(cols),
                layout(args().ptr(q).i32(rows).i32(cols), l).f32(invReg).ptr(add).ptr(out));
    }

    void bamTargetPlan(View q, int rows, org.bpa4j.spi.BamLayout l, float invReg, View u, View p) {
        launch("bam_target_plan", rows, LaunchShape.rowBlock(l.targets()),
                layout(args().ptr(q).i32(rows), l).f32(invReg).ptr(u).ptr(p));
    }

    void bamViewSums(View p, org.bpa4j.spi.BamLayout l, View sums) {
        gridStride("bam_view_sums", (long) l.batch() * l.targets(), layout(args().ptr(p), l).ptr(sums));
    }

    void bamTopKFlags(View sums, org.bpa4j.spi.BamLayout l, int topK, View keep) {
        gridStride("bam_top_k_flags", (long) l.batch() * l.targets(), layout(args().ptr(sums), l).i32(topK).ptr(keep));
    }

    void bamKeepRenormalize(View p, int rows, org.bpa4j.spi.BamLayout l, View keep) {
        launch("bam_keep_renormalize", rows, LaunchShape.rowBlock(l.targets()),
                layout(args().ptr(p), l).ptr(keep));
    }

    void bamSourceRows(View q, org.bpa4j.spi.BamLayout l, float invTemperature, View p, View gradQ, View rowLoss) {
        launch("bam_source_rows", l.rows(), LaunchShape.rowBlock(l.targets()),
                layout(args().ptr(q), l).f32(invTemperature).ptr(p).ptr(gradQ).ptr(rowLoss));
    }
}
