package org.bpa4j.cuda;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bpa4j.cuda.DeviceBuffer.View;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The kernel emulator's own checks (native-cuda/README.md, "The kernel emulator"): the real kernels,
 * launched wrongly on purpose, must fail with the kernel, the place and the reason named — an emulator that
 * let these pass would let the CUDA tests pass blind. Runs only where the CUDA tests run on the emulator.
 */
class EmulatorChecksTest {
    private CudaContext context;

    @BeforeEach
    void onTheEmulator() {
        assumeTrue(OnEmulator.emulated(), "the CUDA backend is not running on the kernel emulator here: "
                + new CudaBackend().availability().reason());
        context = CudaContext.get();
    }

    private static CudaException launchFails(Runnable launch, String... expected) {
        CudaException e = assertThrows(CudaException.class, launch::run);
        for (String part : expected) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' missing from: " + e.getMessage());
        }
        return e;
    }

    @Test
    void aReadPastTheEndOfABufferFailsTheLaunchNamingKernelThreadAndBuffer() {
        try (Workspace ws = Workspace.acquire(context)) {
            View in = ws.floats("emuIn", 100);
            View out = ws.floats("emuOut", 1);
            KernelLaunches k = new KernelLaunches(context, ws);
            HostTransfer.upload(ws, new float[100], in);
            // reduce_max_per_set reads len values: one more than the 400-byte buffer holds
            launchFails(() -> k.reduceMaxPerSet(in, 1, 101, out), "kernel reduce_max_per_set", "invalid global read",
                    "0 bytes past the end of the 400-byte buffer", "thread (");
            // the emulator (and the buffers) stay usable after a caught fault
            float[] values = new float[100];
            for (int i = 0; i < values.length; i++) {
                values[i] = i % 17;
            }
            HostTransfer.upload(ws, values, in);
            k.reduceMaxPerSet(in, 1, 100, out);
            assertArrayEquals(new float[] {16f}, HostTransfer.downloadFloats(ws, out, 1));
        }
    }

    @Test
    void aWritePastTheEndFailsTheLaunch() {
        try (Workspace ws = Workspace.acquire(context)) {
            View in = ws.floats("emuIn", 100);
            View out = ws.floats("emuOut", 1);
            HostTransfer.upload(ws, new float[100], in);
            KernelLaunches k = new KernelLaunches(context, ws);
            // two sets' maxima into a one-float buffer
            launchFails(() -> k.reduceMaxPerSet(in, 2, 50, out), "invalid global write", "past the end");
        }
    }

    @Test
    void dynamicSharedMemoryBeyondWhatTheLaunchAskedForIsCaught() {
        try (Workspace ws = Workspace.acquire(context)) {
            int n = 8;
            int t = 2;
            View base = ws.floats("emuBase", n * n);
            View u = ws.floats("emuU", (t + 1) * n);
            View v = ws.floats("emuV", (t + 1) * n);
            View out = ws.floats("emuZ", n * n);
            HostTransfer.upload(ws, new float[n * n], base);
            BaseMatrix m = new BaseMatrix(base, 1, n, n, BaseMatrix.SIMILARITY, true, 10f, null);
            KernelArgs args = m.push(ws.args()).i32(1).i32(t).i32(1).ptr(0L).ptr(0L).i32(0).ptr(u).ptr(v).ptr(0L)
                    .ptr(out);
            Kernel forward = context.kernel(SmallSets.FORWARD_KERNEL);
            int needed = (int) SmallSets.forwardSharedBytes(n);
            // half the shared memory the kernel uses: its writes run into the guard zone
            launchFails(() -> forward.launch(ws, 1, 1, 1, SmallSets.THREADS, 1, needed / 2, args),
                    "kernel " + SmallSets.FORWARD_KERNEL, "past the end of the block's " + needed / 2
                            + " bytes of dynamic shared memory");
            forward.launch(ws, 1, 1, 1, SmallSets.THREADS, 1, needed, args);  // as KernelLaunches does: fine
        }
    }

    @Test
    void aPartialWarpAtAFullMaskShuffleIsADeadlockNotAResult() {
        try (Workspace ws = Workspace.acquire(context)) {
            View in = ws.floats("emuIn", 100);
            View out = ws.floats("emuOut", 1);
            HostTransfer.upload(ws, new float[100], in);
            Kernel k = context.kernel("reduce_max_per_set");
            KernelArgs args = ws.args().ptr(in).i32(100).ptr(out);
            // 48 threads: lanes 16..31 of the second warp do not exist, yet warp_max shuffles with 0xffffffff
            launchFails(() -> k.launch(ws, 1, 1, 1, 48, 1, 0, args), "kernel reduce_max_per_set", "deadlock",
                    "__shfl_xor_sync with mask ffffffff");
        }
    }

    @Test
    void argumentsOfTheWrongKindOrNumberAndHostPointersAreRefused() {
        try (Workspace ws = Workspace.acquire(context)) {
            View in = ws.floats("emuIn", 100);
            Kernel k = context.kernel("reduce_max_per_set");
            launchFails(() -> k.launch(ws, 1, 1, 1, 32, 1, 0, ws.args().ptr(in).ptr(in).ptr(in)),
                    "launched with 3 arguments (ppp) but the kernel takes 3 (pip)");
            launchFails(() -> k.launch(ws, 1, 1, 1, 32, 1, 0, ws.args().ptr(in).i32(100)), "takes 3 (pip)");
            launchFails(() -> k.launch(ws, 1, 1, 1, 32, 1, 0, ws.args().ptr(in).i32(100).ptr(0x1234_0000L)),
                    "pointer argument 2", "not in any device allocation");
        }
    }
}
