package org.bpa4j.cpu;

import org.bpa4j.Tensor;
import org.bpa4j.spi.BlockKernel;
import org.bpa4j.spi.BpaOptions;
import org.bpa4j.spi.BpaOutput;
import org.bpa4j.spi.BpaPass;
import org.bpa4j.spi.SinkhornOptions;
import org.bpa4j.spi.SinkhornPass;

/**
 * What the backend computes, behind a type that names no jdk.incubator.vector class: {@link CpuBackend}
 * loads the implementation ({@code VectorOperations}) only once the module is known to be readable.
 */
interface CpuOperations {
    BpaPass bpa(BpaOptions options, Tensor x, int[][] labels, int threads);

    BpaOutput bpaInference(BpaOptions options, Tensor x, int[][] labels, int threads);

    SinkhornPass sinkhorn(SinkhornOptions options, Tensor cost, Tensor a, Tensor b, int threads);

    /** The streaming BPA's row-block kernel on one set (n, d). */
    BlockKernel blockKernel(BpaOptions options, Tensor x, int threads);

    /** The vector species in use, e.g. "Species[float, 16, S_512_BIT]". */
    String species();
}
