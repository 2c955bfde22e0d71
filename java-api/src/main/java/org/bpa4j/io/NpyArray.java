package org.bpa4j.io;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;

/**
 * An array read from a .npy file: its shape, its element type and its values, already in C order and
 * native byte order. Floats become tensors of the same precision; integers can be read as labels or, as
 * features, converted to float64. Read-only and safe to share between threads, with one caveat: a float
 * array read by {@link Npy#read} hands its values to {@link #toTensor()} without a copy, so writing to that
 * tensor changes what this array reads.
 */
public final class NpyArray {
    private final String source;
    private final int[] shape;
    private final NpyDtype dtype;
    /** Values in C order, native byte order; null when the values are held as {@link #values}. */
    private final ByteBuffer data;
    /** A float array's values as the float[] or double[] a tensor wraps, or null. */
    private final Object values;

    NpyArray(String source, int[] shape, NpyDtype dtype, ByteBuffer data) {
        this.source = source;
        this.shape = shape;
        this.dtype = dtype;
        this.data = data;
        this.values = null;
    }

    /** A float array read straight into a float[] (float32) or a double[] (float64). */
    NpyArray(String source, int[] shape, NpyDtype dtype, Object values) {
        if (!(values instanceof float[] || values instanceof double[])) {
            throw new InvalidInputException("NpyArray: values must be a float[] or a double[]");
        }
        this.source = source;
        this.shape = shape;
        this.dtype = dtype;
        this.data = null;
        this.values = values;
    }

    /**
     * The array's shape as the file gives it.
     *
     * @return a copy of the shape; empty for a 0-D array
     */
    public int[] shape() {
        return shape.clone();
    }

    /**
     * The number of axes.
     *
     * @return the rank, ≥ 0
     */
    public int rank() {
        return shape.length;
    }

    /**
     * The element type as NumPy names it.
     *
     * @return e.g. {@code float32}, {@code int64}, {@code uint8}
     */
    public String dtypeName() {
        return dtype.label();
    }

    /**
     * Whether the elements are floating point (float32 or float64).
     *
     * @return true for a float array, false for an integer one
     */
    public boolean isFloat() {
        return dtype.isFloat();
    }

    /**
     * The number of elements, the product of the shape.
     *
     * @return the element count, ≥ 0 (1 for a 0-D array)
     */
    public long size() {
        long n = 1;
        for (int s : shape) {
            n *= s;
        }
        return n;
    }

    /**
     * The value at a flat C-order index, as a double (an int64 beyond 2⁵³ is rounded).
     *
     * @param index the flat index, 0..size()−1
     * @return the value
     * @throws IndexOutOfBoundsException when index is out of range
     */
    public double getDouble(long index) {
        if (values instanceof float[] f) {
            return f[Math.toIntExact(index)];
        }
        if (values instanceof double[] d) {
            return d[Math.toIntExact(index)];
        }
        int at = Math.toIntExact(index * dtype.size());
        return switch (dtype.kind()) {
            case 'f' -> dtype.size() == 4 ? data.getFloat(at) : data.getDouble(at);
            case 'i' -> switch (dtype.size()) {
                case 1 -> data.get(at);
                case 2 -> data.getShort(at);
                case 4 -> data.getInt(at);
                default -> (double) data.getLong(at);
            };
            default -> switch (dtype.size()) {
                case 1 -> Byte.toUnsignedInt(data.get(at));
                case 2 -> Short.toUnsignedInt(data.getShort(at));
                case 4 -> Integer.toUnsignedLong(data.getInt(at));
                default -> unsignedLongToDouble(data.getLong(at));
            };
        };
    }

    private static double unsignedLongToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }

    /**
     * The array as a tensor of rank 1 to 3: float32 and float64 keep their precision, integers become
     * float64. A float array read from a file by {@link Npy#read} is not copied: the tensor wraps its values.
     *
     * @return the tensor, of this array's shape
     * @throws NpyFormatException when the array is 0-D or has more than 3 axes
     */
    public Tensor toTensor() {
        if (shape.length < 1 || shape.length > 3) {
            throw new NpyFormatException(source + ": a " + shape.length + "-D array of shape "
                    + Tensor.shapeString(shape) + " where a 1-D, 2-D or 3-D array was expected");
        }
        if (values instanceof float[] f) {
            return Tensor.of(f, shape);
        }
        if (values instanceof double[] d) {
            return Tensor.of(d, shape);
        }
        long n = size();
        if (dtype.isFloat() && dtype.size() == 4) {
            float[] out = new float[Math.toIntExact(n)];
            data.asFloatBuffer().get(out);
            return Tensor.of(out, shape);
        }
        double[] out = new double[Math.toIntExact(n)];
        if (dtype.isFloat()) {
            data.asDoubleBuffer().get(out);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getDouble(i);
            }
        }
        return Tensor.of(out, shape);
    }

    /**
     * The array as a tensor in the given precision, converted in one step (an integer array goes straight
     * to {@code precision}); a conversion that cannot fit in the heap is refused with the figures.
     *
     * @param precision the tensor's precision
     * @return the tensor, of this array's shape
     * @throws InvalidInputException when precision is null, or the conversion cannot fit in the free heap
     * @throws NpyFormatException when the array is 0-D or has more than 3 axes
     */
    public Tensor toTensor(DType precision) {
        if (precision == null) {
            throw new InvalidInputException("NpyArray.toTensor: precision is null");
        }
        boolean wrapped = values instanceof float[] ? precision == DType.FLOAT32
                : values instanceof double[] ? precision == DType.FLOAT64
                : dtype.isFloat() && dtype.size() == precision.byteSize();
        if (wrapped || shape.length < 1 || shape.length > 3) {
            return toTensor().to(precision);
        }
        NpyHeap.check((double) size() * precision.byteSize(), source, "converting " + Tensor.shapeString(shape)
                + " of " + dtype.label() + " to " + precision.label());
        Tensor out = Tensor.zeros(precision, shape);
        for (long i = 0; i < out.size(); i++) {
            out.setDouble(i, getDouble(i));
        }
        return out;
    }

    /**
     * The values as integers (labels). Integer arrays are taken as they are; float arrays only when every
     * value is a whole number that fits an int.
     *
     * @return a new array of {@link #size()} values in C order
     * @throws NpyFormatException when a value is not a whole number in the int range (an integer type wider
     *         than int is checked the same way)
     */
    public int[] toIntArray() {
        int[] out = new int[Math.toIntExact(size())];
        for (int i = 0; i < out.length; i++) {
            double v = getDouble(i);
            if (v != Math.rint(v) || v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                throw new NpyFormatException(source + ": value " + v + " at index " + i
                        + " is not an integer (labels must be whole numbers)");
            }
            out[i] = (int) v;
        }
        return out;
    }

    @Override
    public String toString() {
        return "NpyArray" + Arrays.toString(shape) + " " + dtype.label() + " from " + source;
    }
}
