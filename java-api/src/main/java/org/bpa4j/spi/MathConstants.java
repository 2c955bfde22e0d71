package org.bpa4j.spi;

/**
 * The constants of the mathematics (docs/MATH.md §2), defined here once for every backend; the CUDA kernels'
 * copies in {@code native-cuda/src/main/cuda/bpa_math.cuh} are checked against these by a test of that module.
 */
public final class MathConstants {
    /**
     * The cost of a masked diagonal entry, C_ii (docs/MATH.md §2 step 2): exp(−C_ii/ε) is exactly 0 in float32 and
     * float64 for every ε the API accepts, so that no item is matched with itself.
     */
    public static final double MASKED_COST = 1e5;

    /**
     * The floor under a row's norm when rows are normalised, x̂ = x / max(‖x‖, NORM_FLOOR) (docs/MATH.md §2 step 1,
     * §4 step 1), as PyTorch's {@code F.normalize}: a zero row stays finite.
     */
    public static final double NORM_FLOOR = 1e-12;

    private MathConstants() {
    }
}
