package org.bpa4j.cuda;

/**
 * Batch sizes for the tests that run on the GPU or, without one, on the CPU emulator of the kernels
 * (native-cuda/README.md, "Tests"): the emulator runs every thread of every block as a fiber on one core,
 * so there the large batches shrink to a thirtieth (the shapes, n and d, stay: they decide the kernels' paths).
 */
final class OnEmulator {
    private OnEmulator() {
    }

    static boolean emulated() {
        CudaContext.Probe p = CudaContext.probe0();
        return p.context() != null && p.context().device().emulated();
    }

    /** {@code sets} on a GPU; on the emulator a thirtieth of it, at least {@code min(sets, 3)}. */
    static int sets(int sets) {
        return emulated() ? Math.max(Math.min(sets, 3), sets / 30) : sets;
    }
}
