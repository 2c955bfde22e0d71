package org.bpa4j.cuda;

import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * The device resources one call works with: a stream, a cuBLAS handle on it, named device buffers that
 * only grow, two pinned staging buffers for transfers, the kernel argument slots and the GEMM scalars.
 * A call borrows a workspace from the context's pool for its duration ({@link #acquire}, then
 * {@link #close}) and nothing in it outlives the call's synchronisation, so the next call — from any
 * thread, a pool's or a virtual one — reuses its stream, handle, pinned memory and buffers instead of
 * creating them. The pool keeps at most {@link #POOLED} idle workspaces; beyond that a returned one is
 * released at once.
 */
final class Workspace implements AutoCloseable {
    /** Size of each of the two pinned staging buffers; transfers larger than this go in chunks. */
    static final long STAGING_BYTES = 8L << 20;
    /** Idle workspaces kept per context: enough for the usual number of concurrent callers. */
    static final int POOLED = Math.max(2, Runtime.getRuntime().availableProcessors());

    private final CudaContext context;
    private final DeviceApi device;
    private final long stream;
    private final long blas;
    private final long[] stagingReady = new long[2];
    private final long[] pinned = new long[2];
    private final MemorySegment[] staging = new MemorySegment[2];
    /** 8 bytes of pinned host memory holding a GEMM's alpha and beta (no allocation per product). */
    private final long scalars;
    private final Map<String, DeviceBuffer> buffers = new HashMap<>();
    private final KernelArgs args = new KernelArgs();

    private Workspace(CudaContext context) {
        this.context = context;
        this.device = context.device();
        device.makeCurrent();
        stream = device.createStream();
        blas = device.createBlas(stream);
        for (int k = 0; k < 2; k++) {
            stagingReady[k] = device.createEvent();
            pinned[k] = device.mallocHost(STAGING_BYTES);
            staging[k] = MemorySegment.ofAddress(pinned[k]).reinterpret(STAGING_BYTES);
        }
        scalars = device.mallocHost(64);
    }

    /** A workspace from the context's pool (or a new one), with the device made current on this thread. */
    static Workspace acquire(CudaContext context) {
        Workspace ws = context.workspaces().pollFirst();
        if (ws == null) {
            return new Workspace(context);
        }
        ws.device.makeCurrent();
        return ws;
    }

    /** Back to the pool; everything issued must have been synchronised (every pass ends with that). */
    @Override
    public void close() {
        ConcurrentLinkedDeque<Workspace> pool = context.workspaces();
        if (pool.size() < POOLED) {
            pool.addFirst(this);
        } else {
            release();
        }
    }

    /** Frees everything the workspace holds. */
    void release() {
        for (DeviceBuffer b : buffers.values()) {
            b.free();
        }
        buffers.clear();
        for (int k = 0; k < 2; k++) {
            device.freeHost(pinned[k]);
            device.destroyEvent(stagingReady[k]);
        }
        device.freeHost(scalars);
        device.destroyBlas(blas);
        device.destroyStream(stream);
    }

    DeviceApi device() {
        return device;
    }

    long stream() {
        return stream;
    }

    long blas() {
        return blas;
    }

    long gemmScalars() {
        return scalars;
    }

    /** The argument slots, emptied for the next launch. */
    KernelArgs args() {
        return args.reset();
    }

    MemorySegment staging(int k) {
        return staging[k];
    }

    long stagingAddress(int k) {
        return pinned[k];
    }

    long stagingReady(int k) {
        return stagingReady[k];
    }

    /**
     * The buffer called {@code name} with room for at least {@code elements} 4-byte values; a smaller one
     * kept from an earlier call is replaced. Contents are undefined.
     */
    DeviceBuffer.View floats(String name, long elements) {
        if (elements <= 0) {
            throw new org.bpa4j.InvalidInputException("device buffer " + name + ": " + elements + " elements");
        }
        long bytes = Math.multiplyExact(elements, (long) Float.BYTES);
        DeviceBuffer b = buffers.get(name);
        if (b == null || b.bytes() < bytes) {
            if (b != null) {
                b.free();
                buffers.remove(name);
            }
            b = DeviceBuffer.allocate(device, bytes, name);
            buffers.put(name, b);
        }
        return b.floats();
    }

    void zero(DeviceBuffer.View view, long elements) {
        device.memsetZero(view.address(), elements * Float.BYTES, stream);
    }

    void copy(DeviceBuffer.View from, DeviceBuffer.View to, long elements) {
        device.copy(to.address(), from.address(), elements * Float.BYTES, DeviceApi.DEVICE_TO_DEVICE, stream,
                "device to device");
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
        long[] info = device.memoryInfo();
        long available = info[0] + held;
        if (bytes > available) {
            throw new org.bpa4j.InvalidInputException(String.format(java.util.Locale.ROOT,
                    "%s needs about %.1f MiB of GPU memory but only %.1f MiB is available (%.1f MiB on the device)",
                    what, bytes / 1048576.0, available / 1048576.0, info[1] / 1048576.0));
        }
    }

    /** Waits for everything issued on the stream; a kernel's asynchronous failure surfaces here. */
    void synchronize(String after) {
        device.synchronizeStream(stream, after);
    }
}
