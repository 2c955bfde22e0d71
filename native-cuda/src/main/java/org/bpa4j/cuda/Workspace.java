package org.bpa4j.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * One thread's CUDA resources, kept between calls: a stream, a cuBLAS handle on it, named device buffers
 * that only grow, two pinned staging buffers for transfers, and the kernel argument slots. A call borrows
 * its thread's workspace for its duration; nothing in it outlives the call's synchronisation, so the
 * buffers are reused by the thread's next call. Freed when the thread ends.
 */
final class Workspace {
    /** Size of each of the two pinned staging buffers; transfers larger than this go in chunks. */
    static final long STAGING_BYTES = 8L << 20;

    private static final Cleaner CLEANER = Cleaner.create();
    private static final ThreadLocal<Workspace> CURRENT = new ThreadLocal<>();

    private final Resources resources;
    private final Map<String, DeviceBuffer> buffers = new HashMap<>();
    private final KernelArgs args = new KernelArgs();
    private final MemorySegment[] staging = new MemorySegment[2];

    /** What must be released when the owning thread is gone; kept apart so the cleaner holds no workspace. */
    private static final class Resources implements Runnable {
        final CUstream_st stream = new CUstream_st();
        final cublasContext cublasHandle = new cublasContext();
        final CUevent_st[] stagingReady = {new CUevent_st(), new CUevent_st()};
        final Pointer[] pinned = {new Pointer(), new Pointer()};
        final List<DeviceBuffer> allocations = new ArrayList<>();

        @Override
        public void run() {
            for (DeviceBuffer b : allocations) {
                b.free();
            }
            for (Pointer p : pinned) {
                if (!p.isNull()) {
                    cudart.cudaFreeHost(p);
                }
            }
            for (CUevent_st e : stagingReady) {
                if (!e.isNull()) {
                    cudart.cudaEventDestroy(e);
                }
            }
            if (!cublasHandle.isNull()) {
                cublas.cublasDestroy_v2(cublasHandle);
            }
            if (!stream.isNull()) {
                cudart.cudaStreamDestroy(stream);
            }
        }
    }

    private Workspace() {
        resources = new Resources();
        CudaCheck.runtime(cudart.cudaStreamCreateWithFlags(resources.stream, cudart.cudaStreamNonBlocking),
                "cudaStreamCreateWithFlags");
        CudaCheck.cublas(cublas.cublasCreate_v2(resources.cublasHandle), "cublasCreate");
        CudaCheck.cublas(cublas.cublasSetStream_v2(resources.cublasHandle, resources.stream), "cublasSetStream");
        // plain FP32 products: TF32 tensor-core math would cost the 1e-4 agreement with the reference
        CudaCheck.cublas(cublas.cublasSetMathMode(resources.cublasHandle, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        for (int k = 0; k < 2; k++) {
            CudaCheck.runtime(cudart.cudaEventCreateWithFlags(resources.stagingReady[k], cudart.cudaEventDisableTiming),
                    "cudaEventCreateWithFlags");
            CudaCheck.runtime(cudart.cudaMallocHost(resources.pinned[k], STAGING_BYTES),
                    "cudaMallocHost(" + STAGING_BYTES + " bytes of pinned staging)");
            staging[k] = MemorySegment.ofAddress(resources.pinned[k].address()).reinterpret(STAGING_BYTES);
        }
        CLEANER.register(Thread.currentThread(), resources);
    }

    /** The calling thread's workspace, with the device's context made current. */
    static Workspace current(CudaContext context) {
        context.makeCurrent();
        Workspace ws = CURRENT.get();
        if (ws == null) {
            ws = new Workspace();
            CURRENT.set(ws);
        }
        return ws;
    }

    CUstream_st stream() {
        return resources.stream;
    }

    cublasContext cublasHandle() {
        return resources.cublasHandle;
    }

    /** The argument slots, emptied for the next launch. */
    KernelArgs args() {
        return args.reset();
    }

    MemorySegment staging(int k) {
        return staging[k];
    }

    CUevent_st stagingReady(int k) {
        return resources.stagingReady[k];
    }

    /**
     * The buffer called {@code name} with room for at least {@code elements} 4-byte values; a smaller one
     * kept from an earlier call is replaced. Contents are undefined.
     */
    DeviceBuffer.View floats(String name, long elements) {
        if (elements <= 0) {
            throw new IllegalArgumentException("device buffer " + name + ": " + elements + " elements");
        }
        long bytes = Math.multiplyExact(elements, (long) Float.BYTES);
        DeviceBuffer b = buffers.get(name);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                b.free();
                resources.allocations.remove(b);
                buffers.remove(name);
            }
            b = DeviceBuffer.allocate(bytes, name);
            buffers.put(name, b);
            resources.allocations.add(b);
        }
        return b.floats();
    }

    void zero(DeviceBuffer.View view, long elements) {
        CudaCheck.runtime(cudart.cudaMemsetAsync(view.asPointer(), 0, elements * Float.BYTES, stream()),
                "cudaMemsetAsync");
    }

    void copy(DeviceBuffer.View from, DeviceBuffer.View to, long elements) {
        CudaCheck.runtime(cudart.cudaMemcpyAsync(to.asPointer(), from.asPointer(), elements * Float.BYTES,
                cudart.cudaMemcpyDeviceToDevice, stream()), "cudaMemcpyAsync(device to device)");
    }

    /**
     * Refuses, before anything is allocated, a call whose buffers cannot fit the device: what the
     * device has free plus what this workspace already holds (and would reuse).
     */
    void checkFits(long bytes, String what) {
        long held = 0;
        for (DeviceBuffer b : buffers.values()) {
            held += b.bytes();
        }
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            CudaCheck.runtime(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
            long available = free.get() + held;
            if (bytes > available) {
                throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
                        "%s needs about %.1f MiB of GPU memory but only %.1f MiB is available (%.1f MiB on the device)",
                        what, bytes / 1048576.0, available / 1048576.0, total.get() / 1048576.0));
            }
        }
    }

    /** Waits for everything issued on the stream; a kernel's asynchronous failure surfaces here. */
    void synchronize(String after) {
        CudaCheck.runtime(cudart.cudaStreamSynchronize(stream()), "cudaStreamSynchronize (after " + after + ")");
    }
}
