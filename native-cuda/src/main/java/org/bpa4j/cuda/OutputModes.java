package org.bpa4j.cuda;

/**
 * What the output kernels write from logP (docs/MATH.md §2 step 4): the codes of {@code enum OutputMode} in
 * {@code src/main/cuda/bpa_math.cuh}, which a test reads to check that the two agree.
 */
final class OutputModes {
    /** logP itself (Sinkhorn). */
    static final int LOG = 0;
    /** exp(logP) (BPA). */
    static final int EXP = 1;
    /** σ(logP) (BPA with sigmoid). */
    static final int SIGMOID = 2;

    private OutputModes() {
    }
}
