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

    private final int firstRow;
    private final int rows;
    private final int k;
    private final float[] values;
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

    /** The first row of Z these rows are. */
    public int firstRow() {
        return firstRow;
    }

    /** How many rows. */
    public int rows() {
        return rows;
    }

    /** Entries kept per row. */
    public int k() {
        return k;
    }

    /** Z at the c-th largest entry of row firstRow + r (c = 0 is the largest). */
    public float value(int r, int c) {
        return values[at(r, c)];
    }

    /** The column of Z of the c-th largest entry of row firstRow + r. */
    public long index(int r, int c) {
        return indices[at(r, c)];
    }

    private int at(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= k) {
            throw new IndexOutOfBoundsException("TopKRows: (" + r + ", " + c + ") outside (" + rows + ", " + k + ")");
        }
        return r * k + c;
    }

    /** The values, (rows, k) float32 (a copy). */
    public Tensor values() {
        return Tensor.of(values.clone(), rows, k);
    }

    /** The values, row-major (rows, k) (a copy). */
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

    /** The column indices, row-major (rows, k) (a copy): what NumPy's int64 holds. */
    public long[] indexArray() {
        return indices.clone();
    }

    /** The column indices as int, row-major (rows, k) (a copy; n is an int, so they always fit). */
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
