package org.bpa4j.cuda;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/** One cudaMalloc allocation, owned by a {@link Workspace}; freed only by it. */
final class DeviceBuffer {
    private final Pointer pointer;
    private final long bytes;

    private DeviceBuffer(Pointer pointer, long bytes) {
        this.pointer = pointer;
        this.bytes = bytes;
    }

    /** Allocates; an out-of-memory failure names the bytes asked for and what the device has free. */
    static DeviceBuffer allocate(long bytes, String purpose) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("device buffer '" + purpose + "': size must be > 0, got " + bytes);
        }
        Pointer p = new Pointer();
        int status = cudart.cudaMalloc(p, bytes);
        if (status != cudart.cudaSuccess) {
            throw new CudaException("cudaMalloc(" + bytes + " bytes for " + purpose + ")",
                    CudaCheck.runtimeErrorName(status), freeMemoryNote());
        }
        return new DeviceBuffer(p, bytes);
    }

    private static String freeMemoryNote() {
        try (SizeTPointer free = new SizeTPointer(1); SizeTPointer total = new SizeTPointer(1)) {
            if (cudart.cudaMemGetInfo(free, total) == cudart.cudaSuccess) {
                return free.get() + " of " + total.get() + " bytes free on the device";
            }
        } catch (Throwable t) {
            // the note is optional
        }
        return "";
    }

    long bytes() {
        return bytes;
    }

    long address() {
        return pointer.address();
    }

    void free() {
        cudart.cudaFree(pointer);
    }

    /** Elements of 4 bytes (float or int) from element {@code offset}. */
    View floats(long offset) {
        if (offset < 0 || offset * Float.BYTES > bytes) {
            throw new IllegalArgumentException("offset " + offset + " outside a buffer of " + bytes + " bytes");
        }
        return new View(address() + offset * Float.BYTES);
    }

    View floats() {
        return floats(0);
    }

    /** A device address inside a buffer, handed to kernels, cuBLAS and copies. */
    record View(long address) {
        View plus(long elements) {
            return new View(address + elements * Float.BYTES);
        }

        /** The same address as a JavaCPP float pointer, which is how cuBLAS's bindings take device arrays. */
        FloatPointer asFloatPointer() {
            return new DeviceFloatPointer(address);
        }

        Pointer asPointer() {
            return new DeviceFloatPointer(address);
        }
    }

    /** A JavaCPP pointer to device memory; JavaCPP passes {@code address} through untouched. */
    private static final class DeviceFloatPointer extends FloatPointer {
        DeviceFloatPointer(long deviceAddress) {
            this.address = deviceAddress;
        }
    }
}
