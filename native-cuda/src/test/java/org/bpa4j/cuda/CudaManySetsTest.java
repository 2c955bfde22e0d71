package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.bpa4j.cuda.DeviceBuffer.View;
import org.junit.jupiter.api.Test;

/**
 * More sets than gridDim.y/z may hold (65,535): the kernels that put sets there (column sums, transposes)
 * still see every set, launched in chunks. Tiny sets, so that it is quick on the emulator too.
 */
@RequiresCuda
class CudaManySetsTest {
    private static final int SETS = Kernel.MAX_GRID_YZ + 1000;
    private static final int ROWS = 2;
    private static final int COLS = 3;

    @Test
    void columnSumsAndTransposesOfMoreThan65535Sets() {
        float[] m = new float[SETS * ROWS * COLS];
        for (int e = 0; e < m.length; e++) {
            m[e] = (e * 7 % 13) - 6;
        }
        float[] sums = new float[SETS * COLS];
        float[] transposed = new float[m.length];
        for (int b = 0; b < SETS; b++) {
            for (int i = 0; i < ROWS; i++) {
                for (int j = 0; j < COLS; j++) {
                    float value = m[(b * ROWS + i) * COLS + j];
                    sums[b * COLS + j] += value;
                    transposed[(b * COLS + j) * ROWS + i] = value;
                }
            }
        }
        CudaContext context = CudaContext.get();
        try (Workspace ws = Workspace.acquire(context)) {
            KernelLaunches k = new KernelLaunches(context, ws);
            View in = ws.floats("testMatrices", m.length);
            View sumsOut = ws.floats("testSums", sums.length);
            View transposedOut = ws.floats("testTransposed", m.length);
            HostTransfer.upload(ws, m, in);
            k.columnSums(in, SETS, ROWS, COLS, sumsOut);
            k.transpose(in, SETS, ROWS, COLS, transposedOut);
            float[] gotSums = HostTransfer.downloadFloats(ws, sumsOut, sums.length);
            float[] gotTransposed = HostTransfer.downloadFloats(ws, transposedOut, m.length);
            ws.synchronize("many-sets test");
            assertArrayEquals(sums, gotSums, "column sums of every set");
            assertArrayEquals(transposed, gotTransposed, "transpose of every set");
        }
    }
}
