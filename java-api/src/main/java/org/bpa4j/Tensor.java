package org.bpa4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Optional;

/**
 * A dense, row-major array of float32 or float64 values backed by a {@link MemorySegment}.
 *
 * <p>Shapes used by bpa4j: (n) for marginals, (n, d) for one set of features or a cost matrix, and
 * (B, n, d) for a batch of sets. Tensors made from Java arrays, segments or buffers share that memory
 * (no copy). Values are stored in the platform's native byte order.
 *
 * <p>Thread-safety: a tensor is a view of memory it may not own. Reading from several threads is safe;
 * writing while another thread reads or writes the same memory is not (bpa4j's own calls only read their inputs
 * and write to the tensors they return).
 */
public final class Tensor {
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfDouble F64 = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    /** Largest element count that a Java array can hold; larger tensors live off-heap. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;
    /** Tensors from this size on are checked against the free memory before they are allocated. */
    private static final long CHECKED_BYTES = 1 << 20;

    private final MemorySegment segment;
    private final DType dtype;
    private final int[] shape;
    private final long size;

    private Tensor(MemorySegment segment, DType dtype, int[] shape, String where) {
        this.dtype = dtype;
        this.shape = shape.clone();
        this.size = checkShape(this.shape, where);
        long needed = size * dtype.byteSize();
        if (segment.byteSize() < needed) {
            throw new InvalidInputException(where + ": memory of " + segment.byteSize()
                    + " bytes is too small for shape " + Arrays.toString(shape) + " of " + dtype.label()
                    + " (" + needed + " bytes needed)");
        }
        this.segment = segment.byteSize() == needed ? segment : segment.asSlice(0, needed);
    }

    private static long checkShape(int[] shape, String where) {
        if (shape.length < 1 || shape.length > 3) {
            throw new InvalidInputException(where + ": a tensor has 1, 2 or 3 dimensions, got shape "
                    + Arrays.toString(shape));
        }
        long size = 1;
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                throw new InvalidInputException(where + ": dimension " + i + " is negative in shape "
                        + Arrays.toString(shape));
            }
            if (shape[i] != 0 && size > Long.MAX_VALUE / shape[i]) {
                throw new InvalidInputException(where + ": shape " + Arrays.toString(shape)
                        + " has more than 2^63 elements");
            }
            size *= shape[i];
        }
        return size;
    }

    /**
     * Wraps a float array as a float32 tensor, row-major (no copy: writes to either are seen by the other).
     *
     * @param data the values, row-major; its length must equal the product of the shape
     * @param shape 1, 2 or 3 non-negative dimensions, e.g. (n, d) or (B, n, d)
     * @return a float32 tensor over {@code data}
     * @throws InvalidInputException when data is null, the shape is not 1-3 non-negative dimensions, or the
     *     length does not match
     */
    public static Tensor of(float[] data, int... shape) {
        if (data == null) {
            throw new InvalidInputException("Tensor.of: data is null");
        }
        long expected = checkShape(shape, "Tensor.of(float[])");
        if (expected != data.length) {
            throw new InvalidInputException("Tensor.of(float[]): array has " + data.length
                    + " values but shape " + Arrays.toString(shape) + " needs " + expected);
        }
        return new Tensor(MemorySegment.ofArray(data), DType.FLOAT32, shape, "Tensor.of(float[])");
    }

    /**
     * Wraps a double array as a float64 tensor, row-major (no copy).
     *
     * @param data the values, row-major; its length must equal the product of the shape
     * @param shape 1, 2 or 3 non-negative dimensions
     * @return a float64 tensor over {@code data}
     * @throws InvalidInputException when data is null, the shape is not 1-3 non-negative dimensions, or the
     *     length does not match
     */
    public static Tensor of(double[] data, int... shape) {
        if (data == null) {
            throw new InvalidInputException("Tensor.of: data is null");
        }
        long expected = checkShape(shape, "Tensor.of(double[])");
        if (expected != data.length) {
            throw new InvalidInputException("Tensor.of(double[]): array has " + data.length
                    + " values but shape " + Arrays.toString(shape) + " needs " + expected);
        }
        return new Tensor(MemorySegment.ofArray(data), DType.FLOAT64, shape, "Tensor.of(double[])");
    }

    /**
     * A (rows, cols) float32 tensor holding a copy of a rectangular Java matrix ({@code rows[i][j]} is entry
     * (i, j)); an empty matrix gives shape (0, 0).
     *
     * @param rows the matrix, one array per row, every row of the same length
     * @return a new tensor of shape (rows.length, rows[0].length), independent of the arrays
     * @throws InvalidInputException when the matrix or a row is null, or the rows differ in length (the message
     *     names the row)
     */
    public static Tensor of(float[][] rows) {
        int cols = matrixColumns(rows, rows == null ? 0 : rows.length, i -> rows[i] == null ? -1 : rows[i].length,
                "Tensor.of(float[][])");
        float[] data = new float[Math.multiplyExact(rows.length, cols)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return of(data, rows.length, cols);
    }

    /**
     * A (rows, cols) float64 tensor holding a copy of a rectangular Java matrix; as {@link #of(float[][])}.
     *
     * @param rows the matrix, one array per row, every row of the same length
     * @return a new tensor of shape (rows.length, rows[0].length), independent of the arrays
     * @throws InvalidInputException when the matrix or a row is null, or the rows differ in length
     */
    public static Tensor of(double[][] rows) {
        int cols = matrixColumns(rows, rows == null ? 0 : rows.length, i -> rows[i] == null ? -1 : rows[i].length,
                "Tensor.of(double[][])");
        double[] data = new double[Math.multiplyExact(rows.length, cols)];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, data, i * cols, cols);
        }
        return of(data, rows.length, cols);
    }

    /** The common row length of a Java matrix, checked; -1 from {@code length} marks a null row. */
    private static int matrixColumns(Object matrix, int count, java.util.function.IntUnaryOperator length,
            String where) {
        if (matrix == null) {
            throw new InvalidInputException(where + ": the matrix is null");
        }
        int cols = count == 0 ? 0 : length.applyAsInt(0);
        for (int i = 0; i < count; i++) {
            int len = length.applyAsInt(i);
            if (len < 0) {
                throw new InvalidInputException(where + ": row " + i + " is null");
            }
            if (len != cols) {
                throw new InvalidInputException(where + ": row " + i + " has " + len + " values but row 0 has "
                        + cols + " (the matrix must be rectangular)");
            }
        }
        return cols;
    }

    /**
     * Wraps a memory segment (no copy), read in native byte order; a larger segment is sliced to the shape.
     *
     * @param segment the memory, on or off the heap; it must stay alive while the tensor is used
     * @param dtype float32 or float64
     * @param shape 1, 2 or 3 non-negative dimensions
     * @return a tensor over the segment's first {@code size × dtype.byteSize()} bytes
     * @throws InvalidInputException when an argument is null, the shape is invalid, or the segment is too small
     */
    public static Tensor of(MemorySegment segment, DType dtype, int... shape) {
        if (segment == null || dtype == null) {
            throw new InvalidInputException("Tensor.of(MemorySegment): segment and dtype must not be null");
        }
        return new Tensor(segment, dtype, shape, "Tensor.of(MemorySegment)");
    }

    /**
     * Wraps a byte buffer from its position to its limit (no copy). The buffer must be in native byte
     * order, as NumPy and most native libraries write on this platform.
     *
     * @param buffer the memory, in native byte order
     * @param dtype float32 or float64
     * @param shape 1, 2 or 3 non-negative dimensions
     * @return a tensor over the buffer's remaining bytes
     * @throws InvalidInputException when an argument is null, the buffer is not in native order, the shape is
     *     invalid, or the buffer is too small
     */
    public static Tensor of(ByteBuffer buffer, DType dtype, int... shape) {
        if (buffer == null || dtype == null) {
            throw new InvalidInputException("Tensor.of(ByteBuffer): buffer and dtype must not be null");
        }
        if (buffer.order() != ByteOrder.nativeOrder()) {
            throw new InvalidInputException("Tensor.of(ByteBuffer): buffer is " + buffer.order()
                    + " but values must be in native order " + ByteOrder.nativeOrder()
                    + " (call buffer.order(ByteOrder.nativeOrder()))");
        }
        return new Tensor(MemorySegment.ofBuffer(buffer), dtype, shape, "Tensor.of(ByteBuffer)");
    }

    /**
     * A new tensor of zeros: on the Java heap when it fits in an array, else off-heap (freed by the GC).
     *
     * @param dtype float32 or float64
     * @param shape 1, 2 or 3 non-negative dimensions
     * @return a new tensor of zeros
     * @throws InvalidInputException when dtype is null, the shape is invalid, or a tensor of 1 MiB or more
     *         cannot fit in the memory that is free (the message gives the figures)
     */
    public static Tensor zeros(DType dtype, int... shape) {
        InputChecks.notNull(dtype, "Tensor.zeros: dtype");
        long size = checkShape(shape, "Tensor.zeros");
        if ((double) size * dtype.byteSize() >= CHECKED_BYTES) {
            // every tensor a size given by a caller scales is checked, not only those a call's estimate names
            MemoryEstimate.check(MemoryEstimate.tensor(size, dtype, "a tensor of shape " + shapeString(shape)
                    + " of " + dtype.label()), "Tensor.zeros");
        }
        MemorySegment segment;
        if (size <= MAX_ARRAY) {
            segment = dtype == DType.FLOAT32
                    ? MemorySegment.ofArray(new float[(int) size])
                    : MemorySegment.ofArray(new double[(int) size]);
        } else {
            segment = Arena.ofAuto().allocate(size * dtype.byteSize(), dtype.byteSize());
        }
        return new Tensor(segment, dtype, shape, "Tensor.zeros");
    }

    /**
     * The element type.
     *
     * @return float32 or float64
     */
    public DType dtype() {
        return dtype;
    }

    /**
     * The shape.
     *
     * @return a copy of the dimensions, e.g. {n, d} or {B, n, d}
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of dimensions.
     *
     * @return 1, 2 or 3
     */
    public int rank() {
        return shape.length;
    }

    /**
     * One dimension.
     *
     * @param axis 0 to rank − 1
     * @return the size of that dimension
     * @throws InvalidInputException when the axis is out of range
     */
    public int dim(int axis) {
        if (axis < 0 || axis >= shape.length) {
            throw new InvalidInputException("Tensor.dim: axis " + axis + " out of range for shape "
                    + Arrays.toString(shape));
        }
        return shape[axis];
    }

    /**
     * The number of elements.
     *
     * @return the product of the shape
     */
    public long size() {
        return size;
    }

    /**
     * The memory behind this tensor (native byte order, row-major), for zero-copy hand-over to native code.
     *
     * @return the segment, exactly {@code size() × dtype().byteSize()} bytes
     */
    public MemorySegment segment() {
        return segment;
    }

    /**
     * The number of sets.
     *
     * @return B for a (B, n, d) tensor, 1 otherwise
     */
    public int sets() {
        return shape.length == 3 ? shape[0] : 1;
    }

    /**
     * The rows of one set.
     *
     * @return n for (n), (n, d) or (B, n, d)
     */
    public int rows() {
        return shape.length == 1 ? shape[0] : shape[shape.length - 2];
    }

    /**
     * The columns of one set.
     *
     * @return d for (n, d) or (B, n, d), 1 for a vector
     */
    public int cols() {
        return shape.length == 1 ? 1 : shape[shape.length - 1];
    }

    /**
     * Set b of a batch as an (n, d) view of the same memory; a 2-D tensor is its own set 0.
     *
     * @param b 0 to B − 1
     * @return the view (no copy)
     * @throws InvalidInputException when the set does not exist
     */
    public Tensor set(int b) {
        if (shape.length == 2 && b == 0) {
            return this;
        }
        if (shape.length != 3 || b < 0 || b >= shape[0]) {
            throw new InvalidInputException("Tensor.set: set " + b + " does not exist in shape "
                    + Arrays.toString(shape));
        }
        long per = (long) shape[1] * shape[2] * dtype.byteSize();
        return new Tensor(segment.asSlice(b * per, per), dtype, new int[] {shape[1], shape[2]}, "Tensor.set");
    }

    /**
     * The element at a flat row-major index, as a double.
     *
     * @param index 0 to size − 1
     * @return the value
     * @throws IndexOutOfBoundsException when the index is out of range
     */
    public double getDouble(long index) {
        return dtype == DType.FLOAT32
                ? segment.getAtIndex(F32, index)
                : segment.getAtIndex(F64, index);
    }

    /**
     * The element at a flat row-major index, as a float (float64 values are rounded).
     *
     * @param index 0 to size − 1
     * @return the value
     * @throws IndexOutOfBoundsException when the index is out of range
     */
    public float getFloat(long index) {
        return dtype == DType.FLOAT32
                ? segment.getAtIndex(F32, index)
                : (float) segment.getAtIndex(F64, index);
    }

    /**
     * Writes the element at a flat row-major index (rounded to float32 in a float32 tensor).
     *
     * @param index 0 to size − 1
     * @param value the new value
     * @throws IndexOutOfBoundsException when the index is out of range
     */
    public void setDouble(long index, double value) {
        if (dtype == DType.FLOAT32) {
            segment.setAtIndex(F32, index, (float) value);
        } else {
            segment.setAtIndex(F64, index, value);
        }
    }

    /**
     * Writes the element at a flat row-major index.
     *
     * @param index 0 to size − 1
     * @param value the new value
     * @throws IndexOutOfBoundsException when the index is out of range
     */
    public void setFloat(long index, float value) {
        if (dtype == DType.FLOAT32) {
            segment.setAtIndex(F32, index, value);
        } else {
            segment.setAtIndex(F64, index, value);
        }
    }

    /**
     * Element (i, j) of a 2-D tensor. Each index is checked against its own axis: (0, 5) of a (2, 3)
     * tensor is refused, not read as (1, 2). (The flat accessors are bounded by the memory itself.)
     *
     * @param i the row, 0..rows−1
     * @param j the column, 0..cols−1
     * @return the value, as a double
     * @throws InvalidInputException when the tensor is not 2-D, or (i, j) is outside its shape
     */
    public double get(int i, int j) {
        if (shape.length != 2) {
            throw new InvalidInputException("Tensor.get(i, j): needs a 2-D tensor, this one has shape "
                    + shapeString());
        }
        if (i < 0 || i >= shape[0] || j < 0 || j >= shape[1]) {
            throw new InvalidInputException("Tensor.get: index (" + i + ", " + j + ") is outside shape "
                    + shapeString());
        }
        return getDouble((long) i * shape[1] + j);
    }

    /**
     * The backing float array, when this tensor is exactly a whole heap {@code float[]} (no copy).
     *
     * @return the array, or empty
     */
    public Optional<float[]> floatArray() {
        return segment.heapBase()
                .filter(base -> base instanceof float[] a && a.length == size && dtype == DType.FLOAT32)
                .map(base -> (float[]) base);
    }

    /**
     * The backing double array, when this tensor is exactly a whole heap {@code double[]} (no copy).
     *
     * @return the array, or empty
     */
    public Optional<double[]> doubleArray() {
        return segment.heapBase()
                .filter(base -> base instanceof double[] a && a.length == size && dtype == DType.FLOAT64)
                .map(base -> (double[]) base);
    }

    /**
     * A copy of the values as floats, row-major.
     *
     * @return a new array of {@link #size()} values
     * @throws InvalidInputException when the tensor is too large for a Java array
     */
    public float[] toFloatArray() {
        checkArraySize();
        if (dtype == DType.FLOAT32) {
            return segment.toArray(F32);
        }
        float[] out = new float[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) segment.getAtIndex(F64, i);
        }
        return out;
    }

    /**
     * A copy of the values as doubles, row-major.
     *
     * @return a new array of {@link #size()} values
     * @throws InvalidInputException when the tensor is too large for a Java array
     */
    public double[] toDoubleArray() {
        checkArraySize();
        if (dtype == DType.FLOAT64) {
            return segment.toArray(F64);
        }
        double[] out = new double[(int) size];
        for (int i = 0; i < out.length; i++) {
            out[i] = segment.getAtIndex(F32, i);
        }
        return out;
    }

    /**
     * A copy of a 2-D tensor as a Java matrix of floats (float64 values are rounded).
     *
     * @return a new array of {@link #rows()} rows of {@link #cols()} values each
     * @throws InvalidInputException when the tensor is not 2-D (a batch: take {@link #set(int)} first)
     */
    public float[][] toFloat2D() {
        checkMatrix("Tensor.toFloat2D");
        float[][] out = new float[shape[0]][shape[1]];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < shape[1]; j++) {
                out[i][j] = getFloat((long) i * shape[1] + j);
            }
        }
        return out;
    }

    /**
     * A copy of a 2-D tensor as a Java matrix of doubles.
     *
     * @return a new array of {@link #rows()} rows of {@link #cols()} values each
     * @throws InvalidInputException when the tensor is not 2-D (a batch: take {@link #set(int)} first)
     */
    public double[][] toDouble2D() {
        checkMatrix("Tensor.toDouble2D");
        double[][] out = new double[shape[0]][shape[1]];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < shape[1]; j++) {
                out[i][j] = getDouble((long) i * shape[1] + j);
            }
        }
        return out;
    }

    private void checkMatrix(String where) {
        if (shape.length != 2) {
            throw new InvalidInputException(where + ": the tensor must be 2-D, got shape " + Arrays.toString(shape));
        }
    }

    private void checkArraySize() {
        if (size > MAX_ARRAY) {
            throw new InvalidInputException("Tensor: " + size + " values do not fit in a Java array");
        }
    }

    /**
     * This tensor in the given precision.
     *
     * @param target float32 or float64
     * @return this tensor when already so, else a converted copy (float64 to float32 rounds to nearest)
     * @throws InvalidInputException when the copy cannot fit in the memory that is free
     */
    public Tensor to(DType target) {
        InputChecks.notNull(target, "Tensor.to: target");
        if (target == dtype) {
            return this;
        }
        MemoryEstimate.check(MemoryEstimate.tensor(size, target, "converting " + shapeString() + " to "
                + target.label()), "Tensor.to");
        Tensor out = zeros(target, shape);
        for (long i = 0; i < size; i++) {
            out.setDouble(i, getDouble(i));
        }
        return out;
    }

    /**
     * The same memory seen with another shape of the same element count (no copy).
     *
     * @param newShape 1, 2 or 3 non-negative dimensions
     * @return the view
     * @throws InvalidInputException when the shape is invalid or its element count differs
     */
    public Tensor reshape(int... newShape) {
        long n = checkShape(newShape, "Tensor.reshape");
        if (n != size) {
            throw new InvalidInputException("Tensor.reshape: shape " + Arrays.toString(newShape)
                    + " has " + n + " elements but the tensor has " + size);
        }
        return new Tensor(segment, dtype, newShape, "Tensor.reshape");
    }

    /**
     * A deep copy in fresh memory.
     *
     * @return a new tensor, independent of this one
     * @throws InvalidInputException when the copy cannot fit in the memory that is free
     */
    public Tensor copy() {
        Tensor out = zeros(dtype, shape);
        MemorySegment.copy(segment, 0, out.segment, 0, segment.byteSize());
        return out;
    }

    /**
     * The shape as NumPy prints it.
     *
     * @return e.g. {@code (5, 4)} or {@code (3,)}
     */
    public String shapeString() {
        return shapeString(shape);
    }

    /**
     * A shape as NumPy prints it.
     *
     * @param shape the dimensions
     * @return e.g. {@code (5, 4)} or {@code (3,)}
     */
    public static String shapeString(int[] shape) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString() + " " + dtype.label();
    }
}
