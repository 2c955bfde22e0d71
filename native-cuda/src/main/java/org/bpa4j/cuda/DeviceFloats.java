package org.bpa4j.cuda;

import java.util.Arrays;

/**
 * float32 values that already live in CUDA device memory and belong to the caller: a device address and a
 * row-major, contiguous shape of rank 2 or 3. With {@link CudaDeviceBpa} a framework whose tensors are on the
 * GPU (a device pointer handed over through JNI, JavaCPP's {@code cudaMalloc}, another library's output)
 * runs BPA on them without a copy through host memory.
 *
 * <p>Making one checks only the numbers; the memory itself is checked when a call uses it (it must be
 * device or managed memory on device 0 that holds the whole shape). The values must be ready when the call
 * starts: synchronise the stream that wrote them first. bpa4j never frees them. Immutable (the view, not the
 * memory) and thread-safe.
 */
public final class DeviceFloats {
    private final long address;
    private final int[] shape;

    private DeviceFloats(long address, int[] shape) {
        this.address = address;
        this.shape = shape;
    }

    /**
     * A view of {@code shape} floats at the device address {@code address}.
     *
     * @param address the device address of the first float, a multiple of 4 (e.g. a {@code CUdeviceptr})
     * @param shape (n, d) or (B, n, d), row-major and contiguous, every dimension ≥ 1
     * @return the view; the memory is not touched
     *
     * @throws IllegalArgumentException for a null or misaligned address, a rank other than 2 or 3, a
     *         dimension below 1, or a size past the end of the address space
     */
    public static DeviceFloats of(long address, int... shape) {
        if (address == 0) {
            throw new org.bpa4j.InvalidInputException("DeviceFloats.of: the device address is null");
        }
        if (address % Float.BYTES != 0) {
            throw new org.bpa4j.InvalidInputException("DeviceFloats.of: the device address 0x" + Long.toHexString(address)
                    + " is not aligned to the 4 bytes of a float");
        }
        if (shape == null || shape.length < 2 || shape.length > 3) {
            throw new org.bpa4j.InvalidInputException("DeviceFloats.of: the shape must have 2 or 3 dimensions, got "
                    + (shape == null ? "null" : Arrays.toString(shape)));
        }
        for (int k = 0; k < shape.length; k++) {
            if (shape[k] < 1) {
                throw new org.bpa4j.InvalidInputException("DeviceFloats.of: dimension " + k + " of " + Arrays.toString(shape)
                        + " is " + shape[k] + "; every dimension must be at least 1");
            }
        }
        try {
            long count = 1;
            for (int s : shape) {
                count = Math.multiplyExact(count, (long) s);
            }
            Math.addExact(address, Math.multiplyExact(count, (long) Float.BYTES));
        } catch (ArithmeticException e) {
            throw new org.bpa4j.InvalidInputException("DeviceFloats.of: " + Arrays.toString(shape) + " floats at 0x"
                    + Long.toHexString(address) + " run past the end of the address space");
        }
        return new DeviceFloats(address, shape.clone());
    }

    /**
     * The device address of the first float.
     *
     * @return the address, non-zero and 4-byte aligned
     */
    public long address() {
        return address;
    }

    /**
     * The shape.
     *
     * @return a copy: (n, d) or (B, n, d)
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return 2 or 3
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The sets of a batch.
     *
     * @return B of (B, n, d); 1 for rank 2
     */
    public int sets() {
        return shape.length == 3 ? shape[0] : 1;
    }

    /**
     * The rows of each set.
     *
     * @return n, the second-to-last dimension
     */
    public int rows() {
        return shape[shape.length - 2];
    }

    /**
     * The columns of each set.
     *
     * @return the last dimension (d for features, n for Z)
     */
    public int cols() {
        return shape[shape.length - 1];
    }

    /**
     * The number of floats.
     *
     * @return the product of the shape
     */
    public long size() {
        long count = 1;
        for (int s : shape) {
            count *= s;
        }
        return count;
    }

    /**
     * The bytes the view spans from its address.
     *
     * @return 4 · {@link #size()}
     */
    public long bytes() {
        return size() * Float.BYTES;
    }

    /** Whether the two address ranges share a byte. */
    boolean overlaps(DeviceFloats other) {
        return address < other.address + other.bytes() && other.address < address + bytes();
    }

    DeviceBuffer.View view() {
        return new DeviceBuffer.View(address);
    }

    String shapeString() {
        return Arrays.toString(shape).replace('[', '(').replace(']', ')');
    }

    @Override
    public String toString() {
        return "DeviceFloats" + shapeString() + " at 0x" + Long.toHexString(address);
    }
}
