package org.bpa4j.cpu;

import org.bpa4j.Tensor;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaOutput;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;

/** The jdk.incubator.vector implementation; instantiated reflectively by {@link CpuBackend}. */
final class VectorOperations implements CpuOperations {
    /** Sets at most this large run one per thread in a batch; larger ones use every thread each. */
    static final int SET_PARALLEL_MAX_ROWS = 512;

    VectorOperations() {
    }

    /** Whether the sets of a batch run side by side (each on one thread) rather than one after another. */
    static boolean setsInParallel(int sets, int rows, ThreadTeam team) {
        return sets > 1 && team.threads() > 1 && rows <= SET_PARALLEL_MAX_ROWS;
    }

    @Override
    public BpaPass bpa(BpaOptions options, Tensor x, int[][] labels, int threads) {
        return new VectorBpaPass(options, x, labels, ThreadTeam.of(threads));
    }

    @Override
    public BpaOutput bpaInference(BpaOptions options, Tensor x, int[][] labels, int threads) {
        return VectorBpaPass.infer(options, x, labels, ThreadTeam.of(threads));
    }

    @Override
    public SinkhornPass sinkhorn(SinkhornOptions options, Tensor cost, Tensor a, Tensor b, int threads) {
        return new VectorSinkhornPass(options, cost, a, b, ThreadTeam.of(threads));
    }

    @Override
    public BlockKernel blockKernel(BpaOptions options, Tensor x, int threads) {
        return new CpuBlockKernel(options, x, ThreadTeam.of(threads));
    }

    @Override
    public String species() {
        return RowKernels.F.toString();
    }
}
