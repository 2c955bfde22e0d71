package org.bpa4j.cuda;

/** A kernel of the loaded fatbin (or of the test-only emulator), launched on a workspace's stream. */
final class Kernel {
    /** The device's limit on gridDim.y and gridDim.z. */
    static final int MAX_GRID_YZ = 65535;

    private final String name;
    /** The driver's CUfunction (as an address), or the emulator's index of the kernel. */
    private final long handle;
    /** Dynamic shared memory a launch may ask for (the device's opt-in limit less the kernel's static use). */
    private volatile int maxDynamicSharedBytes;

    Kernel(String name, long handle) {
        this.name = name;
        this.handle = handle;
    }

    String name() {
        return name;
    }

    long handle() {
        return handle;
    }

    int maxDynamicSharedBytes() {
        return maxDynamicSharedBytes;
    }

    void allowDynamicShared(int bytes) {
        this.maxDynamicSharedBytes = bytes;
    }

    /** Launches a grid of (gx, gy, gz) blocks of (bx, by) threads with {@code sharedBytes} of dynamic shared memory. */
    void launch(Workspace ws, long gx, int gy, int gz, int bx, int by, int sharedBytes, KernelArgs args) {
        if (gx <= 0 || gy <= 0 || gz <= 0) {
            return;  // nothing to do: an empty grid is not an error
        }
        if (sharedBytes < 0 || sharedBytes > maxDynamicSharedBytes) {
            throw new IllegalStateException("kernel " + name + ": " + sharedBytes + " bytes of dynamic shared memory"
                    + " asked for, at most " + maxDynamicSharedBytes + " allowed on this device");
        }
        if (gx > Integer.MAX_VALUE || gy > MAX_GRID_YZ || gz > MAX_GRID_YZ) {
            throw new IllegalStateException("kernel " + name + ": grid (" + gx + ", " + gy + ", " + gz
                    + ") exceeds the device's limits");
        }
        ws.device().launch(this, (int) gx, gy, gz, bx, by, sharedBytes, ws.stream(), args);
    }
}
