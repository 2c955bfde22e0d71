package org.bpa4j.cpu;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bpa4j.DType;
import org.bpa4j.Tensor;

/**
 * Row-wise float32 access to a tensor of either precision, on or off the heap, so that kernels work on
 * float rows without copying a whole n×n matrix. A float32 heap tensor is read and written in place.
 */
final class TensorRows {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private final Tensor tensor;
    private final MemorySegment segment;
    private final float[] heap;
    private final boolean f32;

    TensorRows(Tensor tensor) {
        this.tensor = tensor;
        this.segment = tensor.segment();
        this.heap = tensor.floatArray().orElse(null);
        this.f32 = tensor.dtype() == DType.FLOAT32;
    }

    Tensor tensor() {
        return tensor;
    }

    /** The whole backing float[] when the tensor is one, else null. */
    float[] heapFloats() {
        return heap;
    }

    /** Copies {@code length} values starting at element {@code offset} into dst[0..length). */
    void read(long offset, float[] dst, int dstOffset, int length) {
        if (heap != null) {
            System.arraycopy(heap, (int) offset, dst, dstOffset, length);
        } else if (f32) {
            MemorySegment.copy(segment, F32, offset * Float.BYTES, dst, dstOffset, length);
        } else {
            for (int k = 0; k < length; k++) {
                dst[dstOffset + k] = (float) segment.getAtIndex(F64, offset + k);
            }
        }
    }

    /** Writes src[0..length) to the elements starting at {@code offset}, converting to the tensor's type. */
    void write(long offset, float[] src, int srcOffset, int length) {
        if (heap != null) {
            System.arraycopy(src, srcOffset, heap, (int) offset, length);
        } else if (f32) {
            MemorySegment.copy(src, srcOffset, segment, F32, offset * Float.BYTES, length);
        } else {
            for (int k = 0; k < length; k++) {
                segment.setAtIndex(F64, offset + k, src[srcOffset + k]);
            }
        }
    }

    /** Writes doubles (for float64 outputs that are computed in double precision). */
    void write(long offset, double[] src, int srcOffset, int length) {
        if (f32) {
            for (int k = 0; k < length; k++) {
                segment.setAtIndex(F32, offset + k, (float) src[srcOffset + k]);
            }
        } else {
            MemorySegment.copy(src, srcOffset, segment, F64, offset * Double.BYTES, length);
        }
    }
}
