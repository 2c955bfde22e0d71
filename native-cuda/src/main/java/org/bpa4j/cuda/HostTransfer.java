package org.bpa4j.cuda;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.bpa4j.DType;
import org.bpa4j.Tensor;

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
            ws.device().synchronizeEvent(ws.stagingReady(slot), "staging buffer free");
            MemorySegment stage = ws.staging(slot);
            if (type == DType.FLOAT32) {
                MemorySegment.copy(from, start * Float.BYTES, stage, 0, n * Float.BYTES);
            } else {
                for (long i = 0; i < n; i++) {
                    stage.setAtIndex(F32, i, (float) from.getAtIndex(F64, start + i));
                }
            }
            ws.device().copy(to.plus(start).address(), ws.stagingAddress(slot), n * Float.BYTES, DeviceApi.HOST_TO_DEVICE,
                    ws.stream(), "host to device, " + n * 4 + " bytes");
            ws.device().recordEvent(ws.stagingReady(slot), ws.stream());
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
            ws.device().synchronizeEvent(ws.stagingReady(slot), "device to host copy; an earlier kernel may have failed");
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
        ws.device().copy(ws.stagingAddress(slot), from.plus(start).address(), n * Float.BYTES, DeviceApi.DEVICE_TO_HOST,
                ws.stream(), "device to host, " + n * 4 + " bytes");
        ws.device().recordEvent(ws.stagingReady(slot), ws.stream());
    }
}
