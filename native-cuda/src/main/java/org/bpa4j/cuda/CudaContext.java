package org.bpa4j.cuda;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.cudart.CUmod_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;

/**
 * The process-wide CUDA state: device 0, its primary context, the kernels loaded from the fatbin, and the
 * pool of workspaces. Probed once; every step that can fail on a machine without a usable GPU is turned
 * into a reason instead of an exception, so that the backend reports itself unavailable and the JVM
 * carries on. Where no GPU is usable and the test configuration names the kernel emulator
 * ({@link EmulatedDevice#LIBRARY_PROPERTY}), the same kernels run on it instead (tests only).
 */
final class CudaContext {
    // in a folder that is not a package, so that the kernels JAR (module org.bpa4j.cuda.linux.x86_64) splits no
    // package with this one and the resource is found by the class loader on the class path and the module path
    static final String FATBIN_RESOURCE = "META-INF/bpa4j/cuda/bpa4j_kernels.fatbin";
    /** CUDA 13.0, what the presets' libraries and the kernels are built against (driver 580 or newer). */
    static final int MIN_DRIVER_VERSION = 13000;
    /** The oldest SASS in the fatbin is sm_80. */
    static final int MIN_COMPUTE_CAPABILITY = 80;

    /** Every kernel the backend launches; a missing one makes the fatbin unusable. */
    static final List<String> KERNELS = List.of(
            "bpa_normalize_rows", "bpa_euclidean_distances",
            "reduce_max_per_set", "reduce_sum_per_set", "column_sums", "transpose_sets",
            "gather_history_slot", "scatter_history_slot",
            "sinkhorn_lse_rows", "sinkhorn_weighted_exp_rowsum", "bpa_output",
            "bpa_grad_logp", "sinkhorn_grad_combine", "bpa_euclidean_weights",
            "bpa_cosine_input_grad", "bpa_euclidean_input_grad",
            SmallSets.FORWARD_KERNEL, SmallSets.BACKWARD_KERNEL,
            "bam_target_lse_rows", "bam_target_plan", "bam_view_sums", "bam_top_k_flags", "bam_keep_renormalize",
            "bam_source_rows");

    /** Shared memory a block may use without opting in; what the small-set kernels get if opting in fails. */
    private static final int DEFAULT_SHARED_BYTES = 48 * 1024;

    private static final int DEVICE = 0;

    /** The outcome of the one probe: a context, or why there is none. */
    record Probe(CudaContext context, String failure) {
    }

    private static final class Holder {
        static final Probe PROBE = probe();
    }

    final String deviceName;
    final int computeCapability;
    final long totalMemory;
    final int driverVersion;
    final int runtimeVersion;
    final int fatbinBytes;
    private final Map<String, Kernel> kernels;
    private final DeviceApi device;
    private final ConcurrentLinkedDeque<Workspace> workspaces = new ConcurrentLinkedDeque<>();

    private CudaContext(DeviceApi device, String deviceName, int computeCapability, long totalMemory, int driverVersion,
            int runtimeVersion, int fatbinBytes, Map<String, Kernel> kernels) {
        this.device = device;
        this.deviceName = deviceName;
        this.computeCapability = computeCapability;
        this.totalMemory = totalMemory;
        this.driverVersion = driverVersion;
        this.runtimeVersion = runtimeVersion;
        this.fatbinBytes = fatbinBytes;
        this.kernels = kernels;
    }

    static Probe probe0() {
        return Holder.PROBE;
    }

    /** The context; an {@link IllegalStateException} with the reason when CUDA is unusable here. */
    static CudaContext get() {
        Probe p = Holder.PROBE;
        if (p.context() == null) {
            throw new IllegalStateException("the CUDA backend is unavailable: " + p.failure());
        }
        return p.context();
    }

    DeviceApi device() {
        return device;
    }

    /** Idle workspaces, most recently returned first (its buffers are the likeliest to fit the next call). */
    ConcurrentLinkedDeque<Workspace> workspaces() {
        return workspaces;
    }

    Kernel kernel(String name) {
        Kernel k = kernels.get(name);
        if (k == null) {
            throw new IllegalStateException("no kernel named " + name + " in the fatbin");
        }
        return k;
    }

    String describe() {
        if (device.emulated()) {
            return String.format(Locale.ROOT, "%s, for tests only: %d kernels run on the CPU", deviceName,
                    kernels.size());
        }
        return String.format(Locale.ROOT, "%s (compute %d.%d, %.1f GiB), driver CUDA %s, runtime CUDA %s, kernels %d KiB",
                deviceName, computeCapability / 10, computeCapability % 10, totalMemory / (1024.0 * 1024 * 1024),
                version(driverVersion), version(runtimeVersion), fatbinBytes / 1024);
    }

    static String version(int v) {
        return v / 1000 + "." + (v % 1000) / 10;
    }

    private static Probe probe() {
        Probe gpu;
        try {
            gpu = probeSteps();
        } catch (Throwable t) {
            gpu = new Probe(null, "probing CUDA failed: " + describeThrowable(t));
        }
        if (gpu.context() != null) {
            return gpu;
        }
        String[] why = new String[1];
        EmulatedDevice emulator = EmulatedDevice.load(why);
        if (emulator == null) {
            return why[0] == null ? gpu : new Probe(null, gpu.failure() + "; " + why[0]);
        }
        try {
            return emulated(emulator);
        } catch (Throwable t) {
            return new Probe(null, gpu.failure() + "; the kernel emulator failed: " + describeThrowable(t));
        }
    }

    /** The context on the kernel emulator: every kernel of {@link #KERNELS} must be compiled into it. */
    private static Probe emulated(EmulatedDevice emulator) {
        Map<String, Kernel> kernels = new HashMap<>();
        for (String k : KERNELS) {
            int index = emulator.findKernel(k);
            if (index < 0) {
                return fail("kernel " + k + " is missing from the kernel emulator");
            }
            Kernel kernel = new Kernel(k, index);
            kernel.allowDynamicShared(emulator.sharedDefaultBytes);
            kernels.put(k, kernel);
        }
        for (String k : List.of(SmallSets.FORWARD_KERNEL, SmallSets.BACKWARD_KERNEL)) {
            // as on the GPU: opt in to the device's whole shared memory per block
            if (emulator.allowDynamicShared(index(kernels, k), emulator.sharedOptInBytes)) {
                kernels.get(k).allowDynamicShared(emulator.sharedOptInBytes);
            }
        }
        return new Probe(new CudaContext(emulator, emulator.deviceName, 86, emulator.totalMemory, 0, 0, 0,
                Map.copyOf(kernels)), null);
    }

    private static int index(Map<String, Kernel> kernels, String name) {
        return (int) kernels.get(name).handle();
    }

    private static Probe probeSteps() {
        // 1. the JNI bindings and, through them, libcudart.so.13 and libcuda.so.1
        try {
            Loader.load(cudart.class);
        } catch (Throwable t) {
            return fail("the CUDA runtime could not be loaded (" + describeThrowable(t) + "); this needs the NVIDIA "
                    + "driver and the CUDA 13 runtime (libcudart.so.13) on the library path, and the JavaCPP CUDA "
                    + "presets' linux-x86_64 JAR on the class path");
        }
        // 2. a driver recent enough for CUDA 13
        int[] driver = new int[1];
        int status = cudart.cudaDriverGetVersion(driver);
        if (status != cudart.cudaSuccess || driver[0] == 0) {
            return fail("no NVIDIA driver is installed (cudaDriverGetVersion: "
                    + (status != cudart.cudaSuccess ? CudaCheck.runtimeErrorName(status) : "version 0") + ")");
        }
        if (driver[0] < MIN_DRIVER_VERSION) {
            return fail("the NVIDIA driver supports CUDA " + version(driver[0]) + " but the backend needs CUDA "
                    + version(MIN_DRIVER_VERSION) + " (driver 580 or newer)");
        }
        int[] runtime = new int[1];
        CudaCheck.runtime(cudart.cudaRuntimeGetVersion(runtime), "cudaRuntimeGetVersion");
        // 3. a device
        int[] count = new int[1];
        status = cudart.cudaGetDeviceCount(count);
        if (status != cudart.cudaSuccess) {
            return fail("no usable CUDA device (cudaGetDeviceCount: " + CudaCheck.runtimeErrorName(status) + ")");
        }
        if (count[0] == 0) {
            return fail("no CUDA device");
        }
        cudaDeviceProp props = new cudaDeviceProp();
        CudaCheck.runtime(cudart.cudaGetDeviceProperties(props, DEVICE), "cudaGetDeviceProperties");
        String name = props.name().getString();
        int cc = props.major() * 10 + props.minor();
        long memory = props.totalGlobalMem();
        if (cc < MIN_COMPUTE_CAPABILITY) {
            return fail(name + " has compute capability " + cc / 10 + "." + cc % 10 + "; the kernels need 8.0 or newer");
        }
        // 4. the kernels
        byte[] fatbin = readFatbin();
        if (fatbin == null) {
            return fail("the kernels are missing: " + FATBIN_RESOURCE + " is not on the class path "
                    + "(add bpa4j-native-cuda's linux-x86_64 JAR; a build without nvcc leaves it out)");
        }
        CudaCheck.runtime(cudart.cudaSetDevice(DEVICE), "cudaSetDevice");
        CudaCheck.runtime(cudart.cudaFree(null), "cudaFree(null) (creating the primary context)");
        CUmod_st module = new CUmod_st();
        BytePointer image = new BytePointer(fatbin);
        status = cudart.cuModuleLoadData(module, image);
        if (status != cudart.CUDA_SUCCESS) {
            return fail("loading the kernels failed: cuModuleLoadData: " + CudaCheck.driverErrorName(status)
                    + " (" + name + ", compute " + cc / 10 + "." + cc % 10 + ")");
        }
        Map<String, Kernel> kernels = new HashMap<>();
        for (String k : KERNELS) {
            CUfunc_st f = new CUfunc_st();
            status = cudart.cuModuleGetFunction(f, module, k);
            if (status != cudart.CUDA_SUCCESS) {
                return fail("kernel " + k + " is missing from the fatbin (cuModuleGetFunction: "
                        + CudaCheck.driverErrorName(status) + ")");
            }
            kernels.put(k, new Kernel(k, f.address()));
        }
        allowLargeSharedMemory(kernels.get(SmallSets.FORWARD_KERNEL));
        allowLargeSharedMemory(kernels.get(SmallSets.BACKWARD_KERNEL));
        // 5. cuBLAS (libcublas.so.13 from the system)
        try {
            Loader.load(cublas.class);
            cublasContext handle = new cublasContext();
            int s = cublas.cublasCreate_v2(handle);
            if (s != cublas.CUBLAS_STATUS_SUCCESS) {
                return fail("cublasCreate failed with status " + s);
            }
            cublas.cublasDestroy_v2(handle);
        } catch (Throwable t) {
            return fail("cuBLAS could not be loaded (" + describeThrowable(t) + "); this needs libcublas.so.13 "
                    + "and libcublasLt.so.13 on the library path");
        }
        return new Probe(new CudaContext(new GpuDevice(), name, cc, memory, driver[0], runtime[0], fatbin.length, Map.copyOf(kernels)),
                null);
    }

    /**
     * Lets a kernel use the device's whole opt-in shared memory per block (99 KiB on sm_86/89, 163 KiB on
     * sm_80, 227 KiB on sm_90) beside its static shared memory; where that fails it keeps the default 48 KiB
     * and larger sets simply take the multi-launch path.
     */
    private static void allowLargeSharedMemory(Kernel kernel) {
        int[] staticBytes = new int[1];
        CUfunc_st function = new CUfunc_st(GpuDevice.at(kernel.handle()));
        CudaCheck.driver(cudart.cuFuncGetAttribute(staticBytes, cudart.CU_FUNC_ATTRIBUTE_SHARED_SIZE_BYTES,
                function), "cuFuncGetAttribute(" + kernel.name() + ", static shared size)");
        int[] optIn = new int[1];
        int status = cudart.cudaDeviceGetAttribute(optIn, cudart.cudaDevAttrMaxSharedMemoryPerBlockOptin, DEVICE);
        int allowed = DEFAULT_SHARED_BYTES - staticBytes[0];
        if (status == cudart.cudaSuccess && optIn[0] - staticBytes[0] > allowed) {
            int wanted = optIn[0] - staticBytes[0];
            if (cudart.cuFuncSetAttribute(function, cudart.CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                    wanted) == cudart.CUDA_SUCCESS) {
                allowed = wanted;
            }
        }
        kernel.allowDynamicShared(allowed);
    }

    private static Probe fail(String reason) {
        return new Probe(null, reason);
    }

    private static byte[] readFatbin() {
        ClassLoader loader = CudaContext.class.getClassLoader();
        try (InputStream in = loader == null ? ClassLoader.getSystemResourceAsStream(FATBIN_RESOURCE)
                : loader.getResourceAsStream(FATBIN_RESOURCE)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            return null;
        }
    }

    /** The innermost cause's class and message: what went wrong, not the wrapper that reported it. */
    static String describeThrowable(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
