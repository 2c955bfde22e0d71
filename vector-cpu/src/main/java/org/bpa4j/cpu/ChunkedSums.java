package org.bpa4j.cpu;

/** Row and column sums of an n×m matrix, with per-chunk column partials added in chunk order. */
final class ChunkedSums {
    private static final int COLUMN_BLOCK = 1024;

    private ChunkedSums() {
    }

    static double[][] rowAndColumnSums(float[] a, int n, int m, RowChunks chunks, ThreadTeam team) {
        double[] rows = new double[n];
        float[][] parts = new float[chunks.count][m + RowKernels.PAD];
        team.forEach(chunks.count, c -> {
            float[] lanes = new float[RowKernels.L];
            for (int i = chunks.start(c), end = chunks.end(c); i < end; i++) {
                rows[i] = RowKernels.sum(a, i * m, m, lanes);
                RowKernels.addInto(a, i * m, parts[c], m);
            }
        });
        return new double[][] {rows, combine(parts, m, team)};
    }

    /** out[j] = Σ_c parts[c][j], in chunk order, in double. */
    static double[] combine(float[][] parts, int m, ThreadTeam team) {
        double[] out = new double[m];
        int blocks = (m + COLUMN_BLOCK - 1) / COLUMN_BLOCK;
        team.forEach(blocks, blk -> {
            int j0 = blk * COLUMN_BLOCK;
            int j1 = Math.min(m, j0 + COLUMN_BLOCK);
            for (float[] part : parts) {
                for (int j = j0; j < j1; j++) {
                    out[j] += part[j];
                }
            }
        });
        return out;
    }
}
