package org.bpa4j.cuda;

import java.util.Locale;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.SizeTPointer;

/**
 * Checks, with the driver, that a caller's {@link DeviceFloats} is memory the kernels may use: device or
 * managed memory, on the backend's device, inside one allocation that holds the whole shape. A host
 * address, a freed or foreign pointer, or a view running past its allocation is refused by name instead of
 * faulting on the GPU.
 */
final class DeviceMemory {
    private static final int DEVICE = 0;

    private DeviceMemory() {
    }

    static void check(DeviceFloats a, String name) {
        try (IntPointer value = new IntPointer(1)) {
            int status = cudart.cuPointerGetAttribute(value, cudart.CU_POINTER_ATTRIBUTE_MEMORY_TYPE, a.address());
            if (status != cudart.CUDA_SUCCESS) {
                throw refused(a, name, "the driver does not know the address as CUDA memory ("
                        + CudaCheck.driverErrorName(status) + ")");
            }
            int type = value.get();
            if (type != cudart.CU_MEMORYTYPE_DEVICE && type != cudart.CU_MEMORYTYPE_UNIFIED) {
                throw refused(a, name, "it is host memory (memory type " + type + "), not device memory");
            }
            status = cudart.cuPointerGetAttribute(value, cudart.CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL, a.address());
            if (status == cudart.CUDA_SUCCESS && value.get() != DEVICE) {
                throw refused(a, name, "it is on device " + value.get() + " but the backend computes on device " + DEVICE);
            }
        }
        long[] base = new long[1];
        try (SizeTPointer size = new SizeTPointer(1)) {
            int status = cudart.cuMemGetAddressRange(base, size, a.address());
            if (status != cudart.CUDA_SUCCESS) {
                throw refused(a, name, "its allocation cannot be found (" + CudaCheck.driverErrorName(status) + ")");
            }
            long end = base[0] + size.get();
            if (a.address() + a.bytes() > end) {
                throw refused(a, name, String.format(Locale.ROOT, "the shape needs %d bytes but its allocation ends %d"
                        + " bytes after the address", a.bytes(), end - a.address()));
            }
        }
    }

    private static IllegalArgumentException refused(DeviceFloats a, String name, String why) {
        return new IllegalArgumentException("CudaDeviceBpa: " + name + " " + a + " cannot be used: " + why);
    }
}
