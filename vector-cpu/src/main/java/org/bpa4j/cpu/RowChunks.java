package org.bpa4j.cpu;

/**
 * The fixed partition of a matrix's rows into chunks. It depends on the row count alone, never on the
 * thread count: every reduction over rows sums per-chunk partials in chunk order, so the bits of a result
 * are the same on one thread or many.
 */
final class RowChunks {
    /** Sets this small are one chunk: they are parallelised over the sets of a batch instead. */
    static final int SMALL = 128;

    final int rows;
    final int size;
    final int count;

    RowChunks(int rows) {
        this.rows = rows;
        // about 16 chunks: enough tasks for the threads, few column partials to add up per sweep; a multiple
        // of 4 rows, the group the scaling sweep takes at once
        this.size = rows <= SMALL ? Math.max(rows, 1) : Math.min(256, Math.max(16, (rows + 63) / 64 * 4));
        this.count = (rows + size - 1) / size;
    }

    int start(int chunk) {
        return chunk * size;
    }

    int end(int chunk) {
        return Math.min(rows, (chunk + 1) * size);
    }
}
