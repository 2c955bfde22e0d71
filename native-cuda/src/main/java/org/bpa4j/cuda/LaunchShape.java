package org.bpa4j.cuda;

/** Block sizes of the kernels: one block per matrix row, sized to the row so that few threads idle. */
final class LaunchShape {
    /** Threads of a block that reads one matrix row of {@code cols} values. */
    static int rowBlock(int cols) {
        if (cols <= 64) {
            return 32;
        }
        if (cols <= 256) {
            return 64;
        }
        if (cols <= 1024) {
            return 128;
        }
        return 256;
    }

    /** Threads of a one-warp-per-row kernel (8 rows a block). */
    static final int WARP_ROWS_BLOCK = 256;

    static long warpRowBlocks(long rows) {
        return (rows + 7) / 8;
    }

    /** Threads and blocks of a grid-stride loop over {@code elements}. */
    static final int STRIDE_BLOCK = 256;

    static long strideBlocks(long elements) {
        return Math.max(1, Math.min((elements + STRIDE_BLOCK - 1) / STRIDE_BLOCK, 65536));
    }

    /** Threads of a block reducing one set's vector. */
    static final int REDUCE_BLOCK = 256;

    private LaunchShape() {
    }
}
