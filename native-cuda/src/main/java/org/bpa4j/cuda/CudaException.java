package org.bpa4j.cuda;

/**
 * A CUDA runtime, driver or cuBLAS call that failed. The message names the call (or kernel) and the
 * library's own error name, e.g. {@code cuLaunchKernel(sinkhorn_lse_rows): CUDA_ERROR_LAUNCH_FAILED}.
 */
public final class CudaException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The call or kernel that failed, e.g. {@code cuLaunchKernel(sinkhorn_lse_rows)}. */
    private final String call;
    /** The library's name of the error, e.g. {@code CUDA_ERROR_LAUNCH_FAILED}. */
    private final String errorName;

    CudaException(String call, String errorName, String detail) {
        super(call + ": " + errorName + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
        this.call = call;
        this.errorName = errorName;
    }

    /**
     * The call or kernel that failed.
     *
     * @return e.g. {@code cublasSgemm} or {@code cuLaunchKernel(sinkhorn_lse_rows)}
     */
    public String call() {
        return call;
    }

    /**
     * The error's name as the library gives it.
     *
     * @return e.g. {@code cudaErrorMemoryAllocation}, {@code CUDA_ERROR_...}, {@code CUBLAS_STATUS_...}
     */
    public String errorName() {
        return errorName;
    }
}
