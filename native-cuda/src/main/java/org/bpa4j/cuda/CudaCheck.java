package org.bpa4j.cuda;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.PointerPointer;

/** Turns the status codes of the CUDA runtime, the driver API and cuBLAS into {@link CudaException}s. */
final class CudaCheck {
    private CudaCheck() {
    }

    /** A CUDA runtime status (cudaError_t). */
    static void runtime(int status, String call) {
        if (status != cudart.cudaSuccess) {
            throw new CudaException(call, runtimeErrorName(status), null);
        }
    }

    /** A driver API status (CUresult). */
    static void driver(int status, String call) {
        if (status != cudart.CUDA_SUCCESS) {
            throw new CudaException(call, driverErrorName(status), null);
        }
    }

    static void cublas(int status, String call) {
        if (status != cublas.CUBLAS_STATUS_SUCCESS) {
            String name;
            try {
                BytePointer p = cublas.cublasGetStatusName(status);
                name = p == null ? "CUBLAS_STATUS_" + status : p.getString();
            } catch (Throwable t) {
                name = "cuBLAS status " + status;
            }
            throw new CudaException(call, name, null);
        }
    }

    static String runtimeErrorName(int status) {
        try {
            BytePointer p = cudart.cudaGetErrorName(status);
            return p == null ? "cudaError " + status : p.getString();
        } catch (Throwable t) {
            return "cudaError " + status;
        }
    }

    static String driverErrorName(int status) {
        try (PointerPointer<BytePointer> name = new PointerPointer<>(1)) {
            if (cudart.cuGetErrorName(status, name) == cudart.CUDA_SUCCESS && name.get(0) != null) {
                return name.getString(0);
            }
        } catch (Throwable t) {
            // fall through to the number
        }
        return "CUresult " + status;
    }
}
