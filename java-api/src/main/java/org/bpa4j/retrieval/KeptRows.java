package org.bpa4j.retrieval;

import org.bpa4j.TopKRows;

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

    /** The rows of a streaming top-k result over {@code columns} columns. */
    static KeptRows of(TopKRows top, int columns) {
        return new KeptRows(top.rows(), columns, top.k(), top.valueArray(), top.intIndexArray());
    }
}
