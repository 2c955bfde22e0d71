package org.bpa4j.cuda;

import org.bytedeco.cuda.cudart.CUfunc_st;
import org.bytedeco.cuda.global.cudart;

/** A kernel of the loaded fatbin, launched with the driver API on a workspace's stream. */
final class Kernel {
    private final String name;
    private final CUfunc_st function;
    /** Dynamic shared memory a launch may ask for (the device's opt-in limit less the kernel's static use). */
    private volatile int maxDynamicSharedBytes;

    Kernel(String name, CUfunc_st function) {
        this.name = name;
        this.function = function;
    }

    String name() {
        return name;
    }

    CUfunc_st function() {
        return function;
    }

    int maxDynamicSharedBytes() {
        return maxDynamicSharedBytes;
    }

    void allowDynamicShared(int bytes) {
        this.maxDynamicSharedBytes = bytes;
    }

    /** Launches a grid of (gx, gy, gz) blocks of (bx, by) threads with the arguments the workspace holds. */
    void launch(Workspace ws, long gx, int gy, int gz, int bx, int by, KernelArgs args) {
        launch(ws, gx, gy, gz, bx, by, 0, args);
    }

    /** The same with {@code sharedBytes} of dynamic shared memory per block. */
    void launch(Workspace ws, long gx, int gy, int gz, int bx, int by, int sharedBytes, KernelArgs args) {
        if (gx <= 0 || gy <= 0 || gz <= 0) {
            return;  // nothing to do: an empty grid is not an error
        }
        if (sharedBytes < 0 || sharedBytes > maxDynamicSharedBytes) {
            throw new IllegalArgumentException("kernel " + name + ": " + sharedBytes + " bytes of dynamic shared memory"
                    + " asked for, at most " + maxDynamicSharedBytes + " allowed on this device");
        }
        if (gx > Integer.MAX_VALUE || gy > 65535 || gz > 65535) {
            throw new IllegalArgumentException("kernel " + name + ": grid (" + gx + ", " + gy + ", " + gz
                    + ") exceeds the device's limits");
        }
        int status = cudart.cuLaunchKernel(function, (int) gx, gy, gz, bx, by, 1, sharedBytes, ws.stream(),
                args.pointers(), null);
        if (status != cudart.CUDA_SUCCESS) {
            throw new CudaException("cuLaunchKernel(" + name + ")", CudaCheck.driverErrorName(status),
                    "grid " + gx + "x" + gy + "x" + gz + ", block " + bx + "x" + by + ", " + sharedBytes
                            + " bytes of shared memory, " + args.count() + " arguments");
        }
    }

    /** A 1-D launch. */
    void launch(Workspace ws, long blocks, int threads, KernelArgs args) {
        launch(ws, blocks, 1, 1, threads, 1, args);
    }
}
