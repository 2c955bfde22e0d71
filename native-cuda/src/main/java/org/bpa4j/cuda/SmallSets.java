package org.bpa4j.cuda;

/**
 * The small-set path (native-cuda/src/main/cuda/small_set.cuh): one thread block per set of n ≤ 128, the
 * set's logK in shared memory, all Sinkhorn iterations of a pass in one launch. Few-shot episodes come in
 * batches of thousands of such sets, where the multi-launch path would spend its time launching kernels.
 * This class decides which sets take it: those whose pass fits the device's shared memory per block.
 */
final class SmallSets {
    /** SMALL_SET_MAX_N of small_set.cuh. */
    static final int MAX_N = 128;
    /** Threads per block: 8 warps, one matrix row per warp at a time. */
    static final int THREADS = 256;
    static final String FORWARD_KERNEL = "bpa_small_forward";
    static final String BACKWARD_KERNEL = "bpa_small_backward";

    /** Which kernels run a pass: decided from the set's size, or forced (tests and benchmarks compare them). */
    enum Route {
        AUTO, SMALL_SETS, MULTI_LAUNCH
    }

    private SmallSets() {
    }

    /** small_forward_shared_floats(n) in bytes: logK, u, v and the column maxima. */
    static long forwardSharedBytes(int n) {
        return Float.BYTES * ((long) n * n + 3L * n);
    }

    /** small_backward_shared_floats(n, T) in bytes: logK, four dual histories of T + 1 slots, the row sums. */
    static long backwardSharedBytes(int n, int iterations) {
        return Float.BYTES * ((long) n * n + 4L * (iterations + 1) * n + n);
    }

    /** Whether a pass of sets of n needing {@code sharedBytes} runs on the small-set path, given the limit. */
    static boolean fits(int n, long sharedBytes, int maxDynamicSharedBytes) {
        return n >= 1 && n <= MAX_N && sharedBytes <= maxDynamicSharedBytes;
    }

    static boolean forwardFits(CudaContext context, int n) {
        return fits(n, forwardSharedBytes(n), context.kernel(FORWARD_KERNEL).maxDynamicSharedBytes());
    }

    static boolean backwardFits(CudaContext context, int n, int iterations) {
        return fits(n, backwardSharedBytes(n, iterations), context.kernel(BACKWARD_KERNEL).maxDynamicSharedBytes());
    }

    /** Whether this pass takes the small-set path; a forced route that cannot be taken is refused. */
    static boolean take(Route route, boolean fits, String pass) {
        if (route == Route.SMALL_SETS && !fits) {
            throw new org.bpa4j.InvalidInputException(pass + ": the small-set path was asked for but the sets do not fit it"
                    + " (n ≤ " + MAX_N + " and the pass's shared memory within the device's limit)");
        }
        return route == Route.SMALL_SETS || (route == Route.AUTO && fits);
    }
}
