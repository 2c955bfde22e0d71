package org.bpa4j.retrieval;

import org.bpa4j.Tensor;

/**
 * Each row of a BPA output reduced to its m largest entries: values and their column indices, row-major
 * (n, m), every other entry of the row taken as 0. The sparse rows of the keep-M re-ranking.
 */
record KeptRows(int rows, int columns, int m, float[] values, int[] indices) {
    KeptRows {
        if (values.length != (long) rows * m || indices.length != values.length) {
            throw new IllegalStateException("KeptRows: " + values.length + " values and " + indices.length
                    + " indices for " + rows + " rows of m = " + m);
        }
        for (int i = 0; i < indices.length; i++) {
            if (indices[i] < 0 || indices[i] >= columns) {
                throw new IllegalStateException("KeptRows: column index " + indices[i] + " at row " + i / m
                        + " is outside [0, " + columns + ")");
            }
        }
    }

    /** Σ v² of row r, in double precision. */
    double squaredNorm(int r) {
        double s = 0;
        for (int p = r * m, end = p + m; p < end; p++) {
            double v = values[p];
            s += v * v;
        }
        return s;
    }

    /**
     * The m largest entries of each row of a dense (n, n) non-negative Z, descending, ties to the lower
     * column.
     */
    static KeptRows largestOf(Tensor z, int m) {
        int rows = z.rows();
        int cols = z.cols();
        float[] values = new float[rows * m];
        int[] indices = new int[rows * m];
        long[] keys = new long[cols];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                float v = z.getFloat((long) r * cols + c);
                if (!(v >= 0)) {
                    throw new IllegalStateException("KeptRows: BPA entry " + v + " at row " + r + " column " + c
                            + " is not a non-negative number");
                }
                // larger values first: invert the (order-preserving) bits of a non-negative float
                keys[c] = ((long) (Integer.MAX_VALUE - Float.floatToIntBits(v + 0.0f)) << 32) | c;
            }
            java.util.Arrays.sort(keys);
            for (int p = 0; p < m; p++) {
                indices[r * m + p] = (int) keys[p];
                values[r * m + p] = Float.intBitsToFloat(Integer.MAX_VALUE - (int) (keys[p] >>> 32));
            }
        }
        return new KeptRows(rows, cols, m, values, indices);
    }
}
