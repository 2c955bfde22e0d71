package org.bpa4j.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/**
 * Moves values between host memory (a tensor's segment of float32 or float64, or a Java array) and
 * float32 device memory through the workspace's two pinned staging buffers: the copy engine works on one
 * chunk while the CPU converts the other.
 */
final class HostTransfer {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final long CHUNK = Workspace.STAGING_BYTES / Float.BYTES;

    private HostTransfer() {
    }

    /** The whole tensor, as float32, to {@code to}. */
    static void upload(Workspace ws, Tensor from, DeviceBuffer.View to) {
        upload(ws, from.segment(), from.dtype(), from.size(), to);
    }

    static void upload(Workspace ws, float[] from, DeviceBuffer.View to) {
        upload(ws, MemorySegment.ofArray(from), DType.FLOAT32, from.length, to);
    }

    /** Ints travel bit for bit (they are 4 bytes, like floats). */
    static void upload(Workspace ws, int[] from, DeviceBuffer.View to) {
        upload(ws, MemorySegment.ofArray(from), DType.FLOAT32, from.length, to);
    }

    /** {@code count} values of type {@code type} from the start of {@code from}. */
    static void upload(Workspace ws, MemorySegment from, DType type, long count, DeviceBuffer.View to) {
        for (long start = 0, k = 0; start < count; start += CHUNK, k++) {
            int slot = (int) (k & 1);
            long n = Math.min(CHUNK, count - start);
            // the staging buffer may still feed the copy issued two chunks ago
            CudaCheck.runtime(cudart.cudaEventSynchronize(ws.stagingReady(slot)), "cudaEventSynchronize");
            MemorySegment stage = ws.staging(slot);
            if (type == DType.FLOAT32) {
                MemorySegment.copy(from, start * Float.BYTES, stage, 0, n * Float.BYTES);
            } else {
                for (long i = 0; i < n; i++) {
                    stage.setAtIndex(F32, i, (float) from.getAtIndex(F64, start + i));
                }
            }
            CudaCheck.runtime(cudart.cudaMemcpyAsync(to.plus(start).asPointer(), pinned(stage), n * Float.BYTES,
                    cudart.cudaMemcpyHostToDevice, ws.stream()), "cudaMemcpyAsync(host to device, " + n * 4 + " bytes)");
            CudaCheck.runtime(cudart.cudaEventRecord(ws.stagingReady(slot), ws.stream()), "cudaEventRecord");
        }
    }

    /** {@code count} float32 values from the device into a tensor's memory, converted to its type. */
    static void download(Workspace ws, DeviceBuffer.View from, long count, Tensor to) {
        download(ws, from, count, to.segment(), to.dtype());
    }

    static float[] downloadFloats(Workspace ws, DeviceBuffer.View from, int count) {
        float[] out = new float[count];
        download(ws, from, count, MemorySegment.ofArray(out), DType.FLOAT32);
        return out;
    }

    static void download(Workspace ws, DeviceBuffer.View from, long count, MemorySegment to, DType type) {
        long chunks = (count + CHUNK - 1) / CHUNK;
        if (chunks > 0) {
            issueDownload(ws, from, count, 0);
        }
        for (long k = 0; k < chunks; k++) {
            if (k + 1 < chunks) {
                issueDownload(ws, from, count, k + 1);  // overlaps with converting chunk k below
            }
            int slot = (int) (k & 1);
            CudaCheck.runtime(cudart.cudaEventSynchronize(ws.stagingReady(slot)),
                    "cudaEventSynchronize (device to host copy; an earlier kernel may have failed)");
            long start = k * CHUNK;
            long n = Math.min(CHUNK, count - start);
            MemorySegment stage = ws.staging(slot);
            if (type == DType.FLOAT32) {
                MemorySegment.copy(stage, 0, to, start * Float.BYTES, n * Float.BYTES);
            } else {
                for (long i = 0; i < n; i++) {
                    to.setAtIndex(F64, start + i, stage.getAtIndex(F32, i));
                }
            }
        }
    }

    private static void issueDownload(Workspace ws, DeviceBuffer.View from, long count, long k) {
        int slot = (int) (k & 1);
        long start = k * CHUNK;
        long n = Math.min(CHUNK, count - start);
        CudaCheck.runtime(cudart.cudaMemcpyAsync(pinned(ws.staging(slot)), from.plus(start).asPointer(), n * Float.BYTES,
                cudart.cudaMemcpyDeviceToHost, ws.stream()), "cudaMemcpyAsync(device to host, " + n * 4 + " bytes)");
        CudaCheck.runtime(cudart.cudaEventRecord(ws.stagingReady(slot), ws.stream()), "cudaEventRecord");
    }

    private static Pointer pinned(MemorySegment stage) {
        return new HostPointer(stage.address());
    }

    /** A JavaCPP view of pinned host memory at a known address. */
    private static final class HostPointer extends Pointer {
        HostPointer(long address) {
            this.address = address;
        }
    }
}
