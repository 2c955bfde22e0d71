package org.bpa4j.cuda;

/** One device allocation, owned by a {@link Workspace} (or a test); freed only by its owner. */
final class DeviceBuffer {
    private final DeviceApi device;
    private final long address;
    private final long bytes;

    private DeviceBuffer(DeviceApi device, long address, long bytes) {
        this.device = device;
        this.address = address;
        this.bytes = bytes;
    }

    /** Allocates; an out-of-memory failure names the bytes asked for and what the device has free. */
    static DeviceBuffer allocate(DeviceApi device, long bytes, String purpose) {
        if (bytes <= 0) {
            throw new IllegalStateException("device buffer '" + purpose + "': size must be > 0, got " + bytes);
        }
        return new DeviceBuffer(device, device.malloc(bytes, purpose), bytes);
    }

    long bytes() {
        return bytes;
    }

    long address() {
        return address;
    }

    void free() {
        device.free(address);
    }

    /** Elements of 4 bytes (float or int) from element {@code offset}. */
    View floats(long offset) {
        if (offset < 0 || offset * Float.BYTES > bytes) {
            throw new IllegalStateException("offset " + offset + " outside a buffer of " + bytes + " bytes");
        }
        return new View(address + offset * Float.BYTES);
    }

    View floats() {
        return floats(0);
    }

    /** A device address inside a buffer, handed to kernels, cuBLAS and copies. */
    record View(long address) {
        View plus(long elements) {
            return new View(address + elements * Float.BYTES);
        }
    }
}
