package org.bpa4j.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * The GPU (device 0) through JavaCPP's CUDA bindings. Handles travel as addresses and are wrapped back
 * into JavaCPP objects without allocating native memory: JavaCPP's allocations go through its physical-
 * memory check (which near its limit retries with System.gc() and sleeps), so the few out-parameters
 * the driver needs (sizes, attributes) live in one preallocated scratch block instead.
 *
 * <p>With {@code -Dbpa4j.cuda.syncEachLaunch=true} every launch is followed by a stream synchronisation,
 * so that an asynchronous fault is reported against the kernel that caused it (the GPU check's diagnostic
 * mode; slow).
 */
final class GpuDevice implements DeviceApi {
    static final String SYNC_EACH_LAUNCH = "bpa4j.cuda.syncEachLaunch";
    private static final int DEVICE = 0;

    private final boolean syncEachLaunch = Boolean.getBoolean(SYNC_EACH_LAUNCH);
    /** 4 longs of out-parameters, used under this object's lock. */
    private final MemorySegment scratch = Arena.global().allocate(32, 8);

    /** A JavaCPP pointer at a known address; JavaCPP passes the address through untouched. */
    private static final class At extends Pointer {
        At(long address) {
            this.address = address;
        }
    }

    private static final class FloatsAt extends FloatPointer {
        FloatsAt(long address) {
            this.address = address;
        }
    }

    static Pointer at(long address) {
        return new At(address);
    }

    static FloatPointer floatsAt(long address) {
        return new FloatsAt(address);
    }

    private static CUstream_st stream(long s) {
        return new CUstream_st(at(s));
    }

    @Override
    public boolean emulated() {
        return false;
    }

    @Override
    public void makeCurrent() {
        CudaCheck.runtime(cudart.cudaSetDevice(DEVICE), "cudaSetDevice(" + DEVICE + ")");
    }

    @Override
    public long malloc(long bytes, String purpose) {
        Pointer p = new Pointer();
        int status = cudart.cudaMalloc(p, bytes);
        if (status != cudart.cudaSuccess) {
            String note = "";
            try {
                long[] info = memoryInfo();
                note = info[0] + " of " + info[1] + " bytes free on the device";
            } catch (RuntimeException e) {
                // the note is optional
            }
            throw new CudaException("cudaMalloc(" + bytes + " bytes for " + purpose + ")",
                    CudaCheck.runtimeErrorName(status), note);
        }
        return p.address();
    }

    @Override
    public void free(long address) {
        cudart.cudaFree(at(address));
    }

    @Override
    public synchronized long[] memoryInfo() {
        SizeTPointer free = new SizeTPointer(at(scratch.address()));
        SizeTPointer total = new SizeTPointer(at(scratch.address() + 8));
        CudaCheck.runtime(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo");
        return new long[] {scratch.get(ValueLayout.JAVA_LONG, 0), scratch.get(ValueLayout.JAVA_LONG, 8)};
    }

    @Override
    public long mallocHost(long bytes) {
        Pointer p = new Pointer();
        CudaCheck.runtime(cudart.cudaMallocHost(p, bytes), "cudaMallocHost(" + bytes + " bytes of pinned staging)");
        return p.address();
    }

    @Override
    public void freeHost(long address) {
        cudart.cudaFreeHost(at(address));
    }

    @Override
    public long createStream() {
        CUstream_st s = new CUstream_st();
        CudaCheck.runtime(cudart.cudaStreamCreateWithFlags(s, cudart.cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
        return s.address();
    }

    @Override
    public void destroyStream(long s) {
        cudart.cudaStreamDestroy(stream(s));
    }

    @Override
    public long createEvent() {
        CUevent_st e = new CUevent_st();
        CudaCheck.runtime(cudart.cudaEventCreateWithFlags(e, cudart.cudaEventDisableTiming), "cudaEventCreateWithFlags");
        return e.address();
    }

    @Override
    public void destroyEvent(long event) {
        cudart.cudaEventDestroy(new CUevent_st(at(event)));
    }

    @Override
    public void recordEvent(long event, long s) {
        CudaCheck.runtime(cudart.cudaEventRecord(new CUevent_st(at(event)), stream(s)), "cudaEventRecord");
    }

    @Override
    public void synchronizeEvent(long event, String what) {
        CudaCheck.runtime(cudart.cudaEventSynchronize(new CUevent_st(at(event))), "cudaEventSynchronize (" + what + ")");
    }

    @Override
    public void synchronizeStream(long s, String what) {
        CudaCheck.runtime(cudart.cudaStreamSynchronize(stream(s)), "cudaStreamSynchronize (after " + what + ")");
    }

    @Override
    public void memsetZero(long address, long bytes, long s) {
        CudaCheck.runtime(cudart.cudaMemsetAsync(at(address), 0, bytes, stream(s)), "cudaMemsetAsync");
    }

    @Override
    public void copy(long to, long from, long bytes, int kind, long s, String what) {
        CudaCheck.runtime(cudart.cudaMemcpyAsync(at(to), at(from), bytes, kind, stream(s)), "cudaMemcpyAsync(" + what + ")");
    }

    @Override
    public long createBlas(long s) {
        cublasContext handle = new cublasContext();
        CudaCheck.cublas(cublas.cublasCreate_v2(handle), "cublasCreate");
        CudaCheck.cublas(cublas.cublasSetStream_v2(handle, stream(s)), "cublasSetStream");
        // plain FP32 products: TF32 tensor-core math would cost the 1e-4 agreement with the reference
        CudaCheck.cublas(cublas.cublasSetMathMode(handle, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode");
        return handle.address();
    }

    @Override
    public void destroyBlas(long blas) {
        cublas.cublasDestroy_v2(new cublasContext(at(blas)));
    }

    @Override
    public void gemm(long blas, Gemm.Call g, long scalars) {
        MemorySegment s = MemorySegment.ofAddress(scalars).reinterpret(8);
        s.set(ValueLayout.JAVA_FLOAT, 0, g.alpha());
        s.set(ValueLayout.JAVA_FLOAT, 4, g.beta());
        FloatPointer al = floatsAt(scalars);
        FloatPointer be = floatsAt(scalars + 4);
        cublasContext handle = new cublasContext(at(blas));
        int opA = g.transA() ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        int opB = g.transB() ? cublas.CUBLAS_OP_T : cublas.CUBLAS_OP_N;
        if (g.batch() == 1) {
            CudaCheck.cublas(cublas.cublasSgemm_v2(handle, opA, opB, g.m(), g.n(), g.k(), al, floatsAt(g.a().address()),
                    g.lda(), floatsAt(g.b().address()), g.ldb(), be, floatsAt(g.c().address()), g.ldc()),
                    "cublasSgemm (" + g.what() + ")");
        } else {
            CudaCheck.cublas(cublas.cublasSgemmStridedBatched(handle, opA, opB, g.m(), g.n(), g.k(), al,
                    floatsAt(g.a().address()), g.lda(), g.strideA(), floatsAt(g.b().address()), g.ldb(), g.strideB(), be,
                    floatsAt(g.c().address()), g.ldc(), g.strideC(), g.batch()),
                    "cublasSgemmStridedBatched (" + g.what() + ")");
        }
    }

    @Override
    public void launch(Kernel kernel, int gx, int gy, int gz, int bx, int by, int sharedBytes, long s, KernelArgs args) {
        int status = cudart.cuLaunchKernel(new CUfunc_st(at(kernel.handle())), gx, gy, gz, bx, by, 1, sharedBytes,
                stream(s), args.pointers(), null);
        if (status != cudart.CUDA_SUCCESS) {
            throw new CudaException("cuLaunchKernel(" + kernel.name() + ")", CudaCheck.driverErrorName(status),
                    "grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by + ", " + sharedBytes
                            + " bytes of shared memory, " + args.count() + " arguments");
        }
        if (syncEachLaunch) {
            int sync = cudart.cudaStreamSynchronize(stream(s));
            if (sync != cudart.cudaSuccess) {
                throw new CudaException("kernel " + kernel.name() + " (" + SYNC_EACH_LAUNCH + ": synchronised after it)",
                        CudaCheck.runtimeErrorName(sync), "grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by
                                + ", " + sharedBytes + " bytes of shared memory, arguments " + args.signature());
            }
        }
    }

    @Override
    public synchronized PointerInfo pointerInfo(long address) {
        IntPointer value = new IntPointer(at(scratch.address()));
        int status = cudart.cuPointerGetAttribute(value, cudart.CU_POINTER_ATTRIBUTE_MEMORY_TYPE, address);
        if (status != cudart.CUDA_SUCCESS) {
            return new PointerInfo(MemoryType.UNKNOWN, -1, 0, 0, CudaCheck.driverErrorName(status));
        }
        int t = scratch.get(ValueLayout.JAVA_INT, 0);
        MemoryType type = t == cudart.CU_MEMORYTYPE_DEVICE ? MemoryType.DEVICE
                : t == cudart.CU_MEMORYTYPE_UNIFIED ? MemoryType.MANAGED : MemoryType.HOST;
        int device = cudart.cuPointerGetAttribute(value, cudart.CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, address)
                == cudart.CUDA_SUCCESS ? scratch.get(ValueLayout.JAVA_INT, 0) : -1;
        long[] base = new long[1];
        SizeTPointer size = new SizeTPointer(at(scratch.address() + 8));
        status = cudart.cuMemGetAddressRange(base, size, address);
        if (status != cudart.CUDA_SUCCESS) {
            return new PointerInfo(type, device, 0, 0, "its allocation cannot be found (" + CudaCheck.driverErrorName(status) + ")");
        }
        return new PointerInfo(type, device, base[0], scratch.get(ValueLayout.JAVA_LONG, 8), null);
    }
}
