package org.bpa4j.cuda;

import static org.bpa4j.testing.Closeness.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** BPA on buffers already in device memory: the same results as from host memory, and bad buffers refused. */
@RequiresCuda
class CudaDeviceBpaTest {
    /** A buffer of the caller's, as a framework would hold it; freed by the test. */
    private static DeviceBuffer allocate(long floats) {
        return DeviceBuffer.allocate(CudaContext.get().device(), floats * Float.BYTES, "test buffer");
    }

    private static void upload(Tensor t, DeviceBuffer b) {
        try (Workspace ws = Workspace.acquire(CudaContext.get())) {
            HostTransfer.upload(ws, t, b.floats());
            ws.synchronize("test upload");
        }
    }

    private static Tensor download(DeviceBuffer b, int... shape) {
        try (Workspace ws = Workspace.acquire(CudaContext.get())) {
            Tensor t = Tensor.zeros(DType.FLOAT32, shape);
            HostTransfer.download(ws, b.floats(), t.size(), t);
            ws.synchronize("test download");
            return t;
        }
    }

    @ParameterizedTest(name = "{0} sets of {1}x{2} {3}")
    @CsvSource({"300, 80, 64, COSINE", "2, 200, 16, COSINE", "5, 40, 8, EUCLIDEAN"})
    void deviceBuffersGiveWhatHostMemoryGives(int gpuSets, int n, int d, Metric metric) {
        int sets = OnEmulator.sets(gpuSets);
        Tensor x = RandomTensors.gaussian(sets + n, sets, n, d).to(DType.FLOAT32);
        Tensor g = RandomTensors.gaussian(d + 1L, sets, n, n).to(DType.FLOAT32);
        Bpa bpa = Bpa.builder().metric(metric).device(Device.CUDA).build();
        BpaResult expected = bpa.forward(x);
        Tensor expectedDx = expected.backward(g);
        DeviceBuffer xb = allocate(x.size());
        DeviceBuffer zb = allocate(g.size());
        DeviceBuffer gb = allocate(g.size());
        DeviceBuffer dxb = allocate(x.size());
        try {
            upload(x, xb);
            upload(g, gb);
            CudaDeviceBpa.Pass pass = CudaDeviceBpa.of(bpa).forward(DeviceFloats.of(xb.address(), sets, n, d), null,
                    DeviceFloats.of(zb.address(), sets, n, n));
            assertClose(expected.output(), download(zb, sets, n, n), 1e-6, "Z");
            pass.backward(DeviceFloats.of(gb.address(), sets, n, n), DeviceFloats.of(dxb.address(), sets, n, d));
            assertClose(expectedDx, download(dxb, sets, n, d), 1e-6, "dX");
            assertArrayEquals(g.toFloatArray(), download(gb, sets, n, n).toFloatArray(), "gradOut is left as it was");
        } finally {
            for (DeviceBuffer b : new DeviceBuffer[] {xb, zb, gb, dxb}) {
                b.free();
            }
        }
    }

    @Test
    void buffersThatAreNotUsableDeviceMemoryAreRefusedByName() {
        CudaDeviceBpa bpa = CudaDeviceBpa.of(Bpa.builder().build());
        DeviceBuffer xb = allocate(4 * 10 * 8);
        DeviceBuffer small = allocate(4 * 10 * 10);
        // the allocation's end as the driver reports it (it may round an allocation up): a (4, 10, 10) view
        // placed to end one float past it
        DeviceApi.PointerInfo range = CudaContext.get().device().pointerInfo(small.address());
        long pastTheEnd = range.allocationBase() + range.allocationBytes() - 4L * 4 * 10 * 10 + Float.BYTES;
        try (Arena arena = Arena.ofConfined()) {
            DeviceFloats x = DeviceFloats.of(xb.address(), 4, 10, 8);
            MemorySegment host = arena.allocate(4L * 4 * 10 * 10, 16);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> bpa.forward(x, null, DeviceFloats.of(host.address(), 4, 10, 10)));
            assertTrue(e.getMessage().contains("out"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> bpa.forward(x, null, DeviceFloats.of(pastTheEnd, 4, 10, 10)));
            assertTrue(e.getMessage().contains("allocation ends 1596 bytes after the address"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> bpa.forward(x, null, DeviceFloats.of(xb.address(), 4, 10, 10)));
            assertTrue(e.getMessage().contains("overlaps"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> bpa.forward(x, null, DeviceFloats.of(small.address(), 4, 10, 9)));
            assertTrue(e.getMessage().contains("(4, 10, 10) was expected"), e.getMessage());
        } finally {
            xb.free();
            small.free();
        }
    }
}
