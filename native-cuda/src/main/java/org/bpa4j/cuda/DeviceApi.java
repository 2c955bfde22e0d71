package org.bpa4j.cuda;

/**
 * Every operation the backend asks of a device, with device memory, streams, events and cuBLAS handles as
 * plain addresses and handles: the GPU through JavaCPP's CUDA bindings ({@link GpuDevice}), or, in the
 * tests only, the CPU emulator of the same kernels loaded through the FFM API ({@link EmulatedDevice}).
 * Failures throw {@link CudaException} naming the call; asynchronous operations are ordered on their stream.
 */
interface DeviceApi {
    /** cudaMemcpyKind values. */
    int HOST_TO_DEVICE = 1;
    int DEVICE_TO_HOST = 2;
    int DEVICE_TO_DEVICE = 3;

    /** Where an address points, as the driver sees it. */
    enum MemoryType { DEVICE, MANAGED, HOST, UNKNOWN }

    /**
     * What the driver knows of an address: its type, its device, and the allocation it lies in (base and
     * size as the driver reports them, which may be rounded up from what was asked for).
     */
    record PointerInfo(MemoryType type, int device, long allocationBase, long allocationBytes, String problem) {
    }

    /** Whether this is the CPU emulator (tests only) rather than a GPU. */
    boolean emulated();

    /** Makes the device current on the calling thread. */
    void makeCurrent();

    long malloc(long bytes, String purpose);

    void free(long address);

    /** {free, total} bytes of device memory. */
    long[] memoryInfo();

    /** Page-locked host memory for staging transfers. */
    long mallocHost(long bytes);

    void freeHost(long address);

    long createStream();

    void destroyStream(long stream);

    long createEvent();

    void destroyEvent(long event);

    void recordEvent(long event, long stream);

    void synchronizeEvent(long event, String what);

    void synchronizeStream(long stream, String what);

    void memsetZero(long address, long bytes, long stream);

    void copy(long to, long from, long bytes, int kind, long stream, String what);

    /** A cuBLAS handle on the stream, with plain FP32 math. */
    long createBlas(long stream);

    void destroyBlas(long blas);

    /** The call as cuBLAS receives it; {@code scalars} is 8 bytes of host memory for alpha and beta. */
    void gemm(long blas, Gemm.Call call, long scalars);

    /** Launches with the arguments the slots hold; sharedBytes of dynamic shared memory per block. */
    void launch(Kernel kernel, int gx, int gy, int gz, int bx, int by, int sharedBytes, long stream, KernelArgs args);

    PointerInfo pointerInfo(long address);
}
