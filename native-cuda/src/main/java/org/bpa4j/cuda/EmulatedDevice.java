package org.bpa4j.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * TESTS ONLY: the backend's own kernels compiled for the CPU (libbpa4j_cuda_emulator.so, built by
 * cmake/emulator from the unmodified kernel sources), loaded through the FFM API. Each block's threads run
 * as fibers with a real {@code __syncthreads} barrier and warp shuffles with their mask semantics; device
 * buffers sit between guard pages, so an out-of-range access fails the launch with the kernel, block,
 * thread and buffer named; cuBLAS's SGEMM is evaluated on the host with its column-major rules. Everything
 * is synchronous, so streams and events are bookkeeping only.
 *
 * <p>Chosen only when the system property {@value #LIBRARY_PROPERTY} names the library (native-cuda's test
 * configuration sets it) and no usable GPU is present; never by AUTO in a normal JVM, never by
 * {@code bpa4j info}.
 */
final class EmulatedDevice implements DeviceApi {
    static final String LIBRARY_PROPERTY = "bpa4j.cuda.testEmulator";

    private final MethodHandle lastError;
    private final MethodHandle malloc;
    private final MethodHandle free;
    private final MethodHandle memInfo;
    private final MethodHandle memset;
    private final MethodHandle memcpy;
    private final MethodHandle sgemm;
    private final MethodHandle launch;
    private final MethodHandle pointerRange;
    private final MethodHandle kernelFind;
    private final MethodHandle setMaxShared;
    final String deviceName;
    final int sharedDefaultBytes;
    final int sharedOptInBytes;
    final long totalMemory;
    private final AtomicLong handles = new AtomicLong(1);

    private EmulatedDevice(SymbolLookup lib) throws Throwable {
        Linker linker = Linker.nativeLinker();
        lastError = handle(linker, lib, "emu_last_error", FunctionDescriptor.of(ADDRESS));
        malloc = handle(linker, lib, "emu_malloc", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS));
        free = handle(linker, lib, "emu_free", FunctionDescriptor.of(JAVA_INT, JAVA_LONG));
        memInfo = handle(linker, lib, "emu_mem_info", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        memset = handle(linker, lib, "emu_memset", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_INT, JAVA_LONG));
        memcpy = handle(linker, lib, "emu_memcpy", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT));
        sgemm = handle(linker, lib, "emu_sgemm", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_FLOAT, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_FLOAT, JAVA_LONG,
                JAVA_INT, JAVA_LONG, JAVA_INT));
        launch = handle(linker, lib, "emu_launch", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        pointerRange = handle(linker, lib, "emu_pointer_range", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, ADDRESS, ADDRESS));
        kernelFind = handle(linker, lib, "emu_kernel_find", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        setMaxShared = handle(linker, lib, "emu_kernel_set_max_dynamic_shared",
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        MemorySegment name = (MemorySegment) handle(linker, lib, "emu_device_name", FunctionDescriptor.of(ADDRESS))
                .invokeExact();
        deviceName = name.reinterpret(1024).getString(0);
        sharedDefaultBytes = (int) handle(linker, lib, "emu_shared_default_bytes", FunctionDescriptor.of(JAVA_INT))
                .invokeExact();
        sharedOptInBytes = (int) handle(linker, lib, "emu_shared_optin_bytes", FunctionDescriptor.of(JAVA_INT))
                .invokeExact();
        totalMemory = (long) handle(linker, lib, "emu_total_memory", FunctionDescriptor.of(JAVA_LONG)).invokeExact();
    }

    private static MethodHandle handle(Linker linker, SymbolLookup lib, String name, FunctionDescriptor d) {
        return linker.downcallHandle(lib.find(name).orElseThrow(() -> new IllegalStateException(
                "the kernel emulator has no symbol " + name)), d);
    }

    /** The library the test configuration names, or null (with the reason in {@code why[0]}). */
    static EmulatedDevice load(String[] why) {
        String path = System.getProperty(LIBRARY_PROPERTY);
        if (path == null || path.isBlank()) {
            why[0] = null;
            return null;
        }
        if (!Files.isRegularFile(Path.of(path))) {
            why[0] = "the kernel emulator " + path + " was not built (it needs cmake and g++)";
            return null;
        }
        try {
            return new EmulatedDevice(SymbolLookup.libraryLookup(Path.of(path), Arena.global()));
        } catch (Throwable t) {
            why[0] = "the kernel emulator " + path + " does not load: " + CudaContext.describeThrowable(t);
            return null;
        }
    }

    private CudaException failure(String call) {
        try {
            MemorySegment m = (MemorySegment) lastError.invokeExact();
            return new CudaException(call, "emulator", m.reinterpret(4096).getString(0));
        } catch (Throwable t) {
            return new CudaException(call, "emulator", "(no message: " + t + ")");
        }
    }

    private void check(int status, String call) {
        if (status != 0) {
            throw failure(call);
        }
    }

    private static RuntimeException unexpected(Throwable t) {
        return t instanceof RuntimeException r ? r : new IllegalStateException("calling the kernel emulator", t);
    }

    /** The kernel's index in the library, or -1. */
    int findKernel(String name) {
        try (Arena a = Arena.ofConfined()) {
            return (int) kernelFind.invokeExact(a.allocateFrom(name));
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    boolean allowDynamicShared(int kernel, int bytes) {
        try {
            return (int) setMaxShared.invokeExact(kernel, bytes) == 0;
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public boolean emulated() {
        return true;
    }

    @Override
    public void makeCurrent() {
    }

    @Override
    public long malloc(long bytes, String purpose) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(JAVA_LONG);
            check((int) malloc.invokeExact(bytes, out), "cudaMalloc(" + bytes + " bytes for " + purpose + ")");
            return out.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void free(long address) {
        try {
            check((int) free.invokeExact(address), "cudaFree");
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long[] memoryInfo() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment f = a.allocate(JAVA_LONG);
            MemorySegment t = a.allocate(JAVA_LONG);
            check((int) memInfo.invokeExact(f, t), "cudaMemGetInfo");
            return new long[] {f.get(JAVA_LONG, 0), t.get(JAVA_LONG, 0)};
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long mallocHost(long bytes) {
        return Arena.global().allocate(bytes, 64).address();  // kept for the process, as pooled workspaces are
    }

    @Override
    public void freeHost(long address) {
    }

    @Override
    public long createStream() {
        return handles.getAndIncrement();
    }

    @Override
    public void destroyStream(long stream) {
    }

    @Override
    public long createEvent() {
        return handles.getAndIncrement();
    }

    @Override
    public void destroyEvent(long event) {
    }

    @Override
    public void recordEvent(long event, long stream) {
    }

    @Override
    public void synchronizeEvent(long event, String what) {
    }

    @Override
    public void synchronizeStream(long stream, String what) {
    }

    @Override
    public void memsetZero(long address, long bytes, long stream) {
        try {
            check((int) memset.invokeExact(address, 0, bytes), "cudaMemsetAsync");
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void copy(long to, long from, long bytes, int kind, long stream, String what) {
        try {
            check((int) memcpy.invokeExact(to, from, bytes, kind), "cudaMemcpyAsync(" + what + ")");
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public long createBlas(long stream) {
        return handles.getAndIncrement();
    }

    @Override
    public void destroyBlas(long blas) {
    }

    @Override
    public void gemm(long blas, Gemm.Call g, long scalars) {
        try {
            check((int) sgemm.invokeExact(g.transA() ? 1 : 0, g.transB() ? 1 : 0, g.m(), g.n(), g.k(), g.alpha(),
                    g.a().address(), g.lda(), g.strideA(), g.b().address(), g.ldb(), g.strideB(), g.beta(),
                    g.c().address(), g.ldc(), g.strideC(), g.batch()),
                    (g.batch() == 1 ? "cublasSgemm (" : "cublasSgemmStridedBatched (") + g.what() + ")");
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public void launch(Kernel kernel, int gx, int gy, int gz, int bx, int by, int sharedBytes, long stream,
            KernelArgs args) {
        try (Arena a = Arena.ofConfined()) {
            check((int) launch.invokeExact((int) kernel.handle(), gx, gy, gz, bx, by, 1, sharedBytes, args.table(),
                    args.count(), a.allocateFrom(args.signature())), "cuLaunchKernel(" + kernel.name() + ")");
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    @Override
    public PointerInfo pointerInfo(long address) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment base = a.allocate(JAVA_LONG);
            MemorySegment size = a.allocate(JAVA_LONG);
            int found = (int) pointerRange.invokeExact(address, base, size);
            if (found == 0) {
                return new PointerInfo(MemoryType.HOST, -1, 0, 0, null);
            }
            return new PointerInfo(MemoryType.DEVICE, 0, base.get(JAVA_LONG, 0), size.get(JAVA_LONG, 0), null);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }
}
