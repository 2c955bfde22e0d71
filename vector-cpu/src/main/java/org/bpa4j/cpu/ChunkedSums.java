package org.bpa4j.cpu;

/** Column sums of an n×m matrix from per-chunk column partials, added in chunk order. */
final class ChunkedSums {
    private static final int COLUMN_BLOCK = 1024;

    private ChunkedSums() {
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
