package org.bpa4j;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The k largest entries of rows [firstRow, firstRow + rows) of the BPA output Z, as float32 values and their
 * column indices, each row in descending order of value (ties: the lower column index first). What
 * {@link Bpa#topK} returns for the whole set (firstRow 0), and what {@link StreamingBpa#blockTopK} returns for a
 * block; {@link #concat} joins blocks. Immutable, {@link Serializable} (plain arrays), safe to share.
 */
public final class TopKRows implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The row of Z that row 0 here is, ≥ 0. */
    private final int firstRow;
    /** How many rows of Z are held, ≥ 1. */
    private final int rows;
    /** The entries kept per row, ≥ 1. */
    private final int k;
    /** Row-major (rows, k): row r's entries in descending order of value, float32. */
    private final float[] values;
    /** Row-major (rows, k): the column of Z of each entry of {@link #values}, in [0, n). */
    private final long[] indices;

    /** Takes the arrays (row-major (rows, k)) without copying: only the block operations make one. */
    TopKRows(int firstRow, int rows, int k, float[] values, long[] indices) {
        if ((long) rows * k != values.length || values.length != indices.length) {
            throw new IllegalStateException("TopKRows: " + values.length + " values and " + indices.length
                    + " indices for " + rows + " rows of " + k);
        }
        this.firstRow = firstRow;
        this.rows = rows;
        this.k = k;
        this.values = values;
        this.indices = indices;
    }

    /**
     * The first row of Z these rows are.
     *
     * @return the row of Z that row 0 here is, ≥ 0: 0 for the whole set, r0 for a block [r0, r1)
     */
    public int firstRow() {
        return firstRow;
    }

    /**
     * How many rows of Z are held: [firstRow, firstRow + rows).
     *
     * @return the rows, ≥ 1 (n for the whole set, r1 − r0 for a block)
     */
    public int rows() {
        return rows;
    }

    /**
     * Entries kept per row.
     *
     * @return k, in [1, n]
     */
    public int k() {
        return k;
    }

    /**
     * Z at the c-th largest entry of row firstRow + r (c = 0 is the largest).
     *
     * @param r the row here, in [0, rows)
     * @param c the rank in the row, in [0, k)
     * @return the value, float32, ≥ 0 (1 on a masked diagonal and where labels agree)
     * @throws IndexOutOfBoundsException when (r, c) is outside (rows, k)
     */
    public float value(int r, int c) {
        return values[at(r, c)];
    }

    /**
     * The column of Z of the c-th largest entry of row firstRow + r.
     *
     * @param r the row here, in [0, rows)
     * @param c the rank in the row, in [0, k)
     * @return the column, in [0, n)
     * @throws IndexOutOfBoundsException when (r, c) is outside (rows, k)
     */
    public long index(int r, int c) {
        return indices[at(r, c)];
    }

    private int at(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= k) {
            throw new IndexOutOfBoundsException("TopKRows: (" + r + ", " + c + ") outside (" + rows + ", " + k + ")");
        }
        return r * k + c;
    }

    /**
     * The values as a tensor, row r holding row firstRow + r's entries in descending order.
     *
     * @return a new (rows, k) {@link DType#FLOAT32} tensor (a copy)
     */
    public Tensor values() {
        return Tensor.of(values.clone(), rows, k);
    }

    /**
     * The values as a plain array.
     *
     * @return a copy, rows·k values, row-major (rows, k): row r's c-th largest at r·k + c
     */
    public float[] valueArray() {
        return values.clone();
    }

    /**
     * The column indices as a (rows, k) {@link DType#FLOAT64} tensor (a copy), beside {@link #values()}.
     * Tensor has no integer element type; float64 holds every integer below 2^53 exactly, so every column index
     * (an int, below n) is exact: {@code (long) indices().getDouble(t) == indexArray()[t]}. For int64 data, as
     * NumPy writes it, use {@link #indexArray()}.
     *
     * @return the indices, exact, as float64
     * @throws InvalidInputException when the heap cannot hold them (with the figure)
     */
    public Tensor indices() {
        // Tensor.zeros checks the heap first: 8 bytes per entry, twice what the values take
        Tensor out = Tensor.zeros(DType.FLOAT64, rows, k);
        for (int t = 0; t < indices.length; t++) {
            out.setDouble(t, indices[t]);
        }
        return out;
    }

    /**
     * The column indices as a plain array: what NumPy's int64 holds.
     *
     * @return a copy, rows·k indices in [0, n), row-major (rows, k), beside {@link #valueArray()}
     */
    public long[] indexArray() {
        return indices.clone();
    }

    /**
     * The column indices as int (n is an int, so they always fit).
     *
     * @return a new array, rows·k indices in [0, n), row-major (rows, k), beside {@link #valueArray()}
     */
    public int[] intIndexArray() {
        int[] out = new int[indices.length];
        for (int t = 0; t < out.length; t++) {
            out[t] = (int) indices[t];
        }
        return out;
    }

    /**
     * The blocks of one set joined in row order: they must cover [first, first + total) without gap or overlap
     * and keep the same k. The order of the list does not matter.
     *
     * @param blocks one or more blocks of one set, e.g. every {@link StreamingBpa#blockTopK} of a run; not changed
     * @return the rows [first, first + total) in row order, firstRow the smallest block's first row; a new value
     * @throws InvalidInputException when blocks is null or empty or holds null, the blocks keep different k, leave
     *         a gap or overlap, or together hold more entries than one Java array can
     */
    public static TopKRows concat(List<TopKRows> blocks) {
        InputChecks.notNull(blocks, "TopKRows.concat: blocks");
        if (blocks.isEmpty()) {
            throw new InvalidInputException("TopKRows.concat: no blocks");
        }
        List<TopKRows> sorted = new ArrayList<>(blocks);
        for (TopKRows b : sorted) {
            InputChecks.notNull(b, "TopKRows.concat: a block");
        }
        sorted.sort(Comparator.comparingInt(TopKRows::firstRow));
        int k = sorted.get(0).k;
        int first = sorted.get(0).firstRow;
        long total = 0;
        for (TopKRows b : sorted) {
            if (b.k != k) {
                throw new InvalidInputException("TopKRows.concat: a block keeps k = " + b.k + " where " + k
                        + " was expected");
            }
            if (b.firstRow != first + total) {
                throw new InvalidInputException("TopKRows.concat: the block at row " + b.firstRow + " does not "
                        + "follow the rows [" + first + ", " + (first + total) + ")");
            }
            total += b.rows;
        }
        if (total * k > Integer.MAX_VALUE - 16) {
            throw new InvalidInputException("TopKRows.concat: " + total + " rows of " + k
                    + " entries do not fit in one array");
        }
        float[] v = new float[(int) (total * k)];
        long[] ix = new long[v.length];
        int at = 0;
        for (TopKRows b : sorted) {
            System.arraycopy(b.values, 0, v, at, b.values.length);
            System.arraycopy(b.indices, 0, ix, at, b.indices.length);
            at += b.values.length;
        }
        return new TopKRows(first, (int) total, k, v, ix);
    }

    @Override
    public String toString() {
        return "TopKRows[rows " + firstRow + ".." + (firstRow + rows) + ", k " + k + "]";
    }
}
