package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.bpa4j.Bpa;
import org.bpa4j.BpaResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;

/**
 * Calls borrow a workspace (stream, cuBLAS handle, pinned staging, buffers) from the context's pool and
 * return it: one thread after another reuses the same one, and concurrent callers get their own, with
 * the same results.
 */
@RequiresCuda
class CudaWorkspacePoolTest {
    @Test
    void virtualThreadsOneAfterAnotherReuseOneWorkspace() throws Exception {
        CudaContext context = CudaContext.get();
        Bpa bpa = Bpa.builder().device(Device.CUDA).build();
        Tensor x = RandomTensors.gaussian(5, 2, 12, 4).to(DType.FLOAT32);
        Tensor expected = bpa.forward(x).output();
        int idle = context.workspaces().size();
        for (int k = 0; k < 12; k++) {
            Thread t = Thread.ofVirtual().start(() -> bpa.forward(x));
            t.join();
        }
        assertEquals(idle, context.workspaces().size(), "each call returned the workspace it borrowed, none was added");
        assertArrayEquals(expected.toFloatArray(), bpa.forward(x).output().toFloatArray(),
                "Z from a reused workspace");
    }

    @Test
    void concurrentCallersGetTheirOwnWorkspacesAndTheSameResults() throws Exception {
        CudaContext context = CudaContext.get();
        Bpa bpa = Bpa.builder().device(Device.CUDA).build();
        Tensor x = RandomTensors.gaussian(6, 3, 10, 5).to(DType.FLOAT32);
        Tensor g = RandomTensors.gaussian(7, 3, 10, 10).to(DType.FLOAT32);
        BpaResult first = bpa.forward(x);
        float[] z = first.output().toFloatArray();
        float[] dx = first.backward(g).toFloatArray();
        List<Future<float[][]>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            for (int k = 0; k < 8; k++) {
                results.add(pool.submit(() -> {
                    BpaResult r = bpa.forward(x);
                    return new float[][] {r.output().toFloatArray(), r.backward(g).toFloatArray()};
                }));
            }
            for (Future<float[][]> f : results) {
                float[][] r = f.get();
                assertArrayEquals(z, r[0], "Z from a pooled workspace");
                assertArrayEquals(dx, r[1], "dX from a pooled workspace");
            }
        }
        assertTrue(context.workspaces().size() <= Workspace.POOLED, "at most " + Workspace.POOLED + " idle workspaces kept");
    }
}
