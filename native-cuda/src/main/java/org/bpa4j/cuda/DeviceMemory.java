package org.bpa4j.cuda;

import java.util.Locale;

/**
 * Checks, with the driver, that a caller's {@link DeviceFloats} is memory the kernels may use: device or
 * managed memory, on the backend's device, inside one allocation that holds the whole shape. A host
 * address, a freed or foreign pointer, or a view running past its allocation is refused by name instead of
 * faulting on the GPU. The allocation's extent is the driver's (which may round an allocation up).
 */
final class DeviceMemory {
    private static final int DEVICE = 0;

    private DeviceMemory() {
    }

    static void check(DeviceApi device, DeviceFloats a, String name) {
        DeviceApi.PointerInfo info = device.pointerInfo(a.address());
        if (info.type() == DeviceApi.MemoryType.UNKNOWN) {
            throw refused(a, name, "the driver does not know the address as CUDA memory (" + info.problem() + ")");
        }
        if (info.type() == DeviceApi.MemoryType.HOST) {
            throw refused(a, name, "it is host memory, not device memory");
        }
        if (info.device() >= 0 && info.device() != DEVICE) {
            throw refused(a, name, "it is on device " + info.device() + " but the backend computes on device " + DEVICE);
        }
        if (info.problem() != null) {
            throw refused(a, name, info.problem());
        }
        long end = info.allocationBase() + info.allocationBytes();
        if (a.address() + a.bytes() > end) {
            throw refused(a, name, String.format(Locale.ROOT, "the shape needs %d bytes but its allocation ends %d"
                    + " bytes after the address", a.bytes(), end - a.address()));
        }
    }

    private static org.bpa4j.InvalidInputException refused(DeviceFloats a, String name, String why) {
        return new org.bpa4j.InvalidInputException("CudaDeviceBpa: " + name + " " + a + " cannot be used: " + why);
    }
}
