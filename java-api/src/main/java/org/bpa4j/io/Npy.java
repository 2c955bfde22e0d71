package org.bpa4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;

/**
 * Reads and writes NumPy's .npy format: header versions 1.0, 2.0 and 3.0; little- and big-endian
 * float32, float64 and integer types; C and Fortran order. Anything else is refused with an
 * {@link NpyFormatException} naming what was found. Stateless and thread-safe.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** A header longer than this is not a NumPy header (NumPy itself caps it far lower). */
    private static final int MAX_HEADER = 1 << 20;

    private Npy() {
    }

    /**
     * Reads a .npy file. A missing, truncated or malformed file fails with an {@link NpyFormatException}
     * naming it. The header is read and checked against the file's size before the data is allocated, so a
     * header that lies about its shape costs nothing.
     *
     * @param file the .npy file, a regular file
     * @return the array; a C-ordered float array is read straight into the array a tensor will wrap
     * @throws InvalidInputException when file is null, or the values cannot fit in the free heap
     * @throws NpyFormatException when the file is missing, a folder or not a regular file, not a .npy file, of
     *         an unsupported version or element type, truncated, or larger than 2³¹ − 16 bytes of data
     * @throws IOException when reading fails otherwise
     */
    public static NpyArray read(Path file) throws IOException {
        if (file == null) {
            throw new InvalidInputException("Npy.read: file is null");
        }
        String source = file.toString();
        if (Files.isDirectory(file)) {
            throw new NpyFormatException(source + ": is a folder, not a .npy file");
        }
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            // a FIFO would block until a writer comes, and a pipe or device has no size to check the header by
            throw new NpyFormatException(source + ": is not a regular file (a pipe, a FIFO or a device); .npy input"
                    + " is read from regular files only: save the stream to a file first");
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            Preamble pre = Preamble.of(readFully(channel, 0, (int) Math.min(fileSize, 12), source), fileSize, source);
            Layout layout = Layout.of(pre, readFully(channel, pre.headerStart(), pre.headerLength(), source),
                    fileSize, source);
            if (layout.dtype().isFloat() && !layout.fortranOrder()) {
                // straight into the tensor's array: a 256 MiB gradient costs 256 MiB, not two or three times that
                NpyHeap.check(layout.dataBytes(), source, "reading " + layout.describe());
                return new NpyArray(source, layout.shape(), layout.dtype(), readFloats(channel, layout, source));
            }
            // the raw bytes, their copy in native order, and the float64 tensor an integer array becomes
            // (8 bytes per element whatever the file's: an int8 file is 8 times its size once converted)
            NpyHeap.check(2.0 * layout.dataBytes() + (layout.dtype().isFloat() ? 0 : 8.0 * layout.count()), source,
                    "reading " + layout.describe() + (layout.dtype().isFloat() ? "" : " and converting it to float64"));
            byte[] raw = readFully(channel, layout.dataStart(), (int) layout.dataBytes(), source);
            return decode(layout, ByteBuffer.wrap(raw), source);
        } catch (NoSuchFileException e) {
            throw new NpyFormatException(source + ": no such file");
        }
    }

    /**
     * Parses the bytes of a .npy file; {@code source} names it in error messages. The values are decoded into
     * a new buffer (the bytes are not kept).
     *
     * @param bytes the whole file's content
     * @param source what the bytes are, for messages (e.g. a file name)
     * @return the array
     * @throws InvalidInputException when bytes is null
     * @throws NpyFormatException when the bytes are not a .npy array bpa4j reads (as {@link #read(Path)})
     */
    public static NpyArray parse(byte[] bytes, String source) {
        if (bytes == null) {
            throw new InvalidInputException("Npy.parse: bytes are null");
        }
        Preamble pre = Preamble.of(bytes, bytes.length, source);
        byte[] header = Arrays.copyOfRange(bytes, pre.headerStart(), pre.headerStart() + pre.headerLength());
        Layout layout = Layout.of(pre, header, bytes.length, source);
        ByteBuffer raw = ByteBuffer.wrap(bytes, (int) layout.dataStart(), (int) layout.dataBytes()).slice();
        return decode(layout, raw, source);
    }

    /** The magic string, the version and the header's length: the first 10 or 12 bytes. */
    private record Preamble(int major, int headerStart, int headerLength) {
        static Preamble of(byte[] first, long totalSize, String source) {
            if (first.length < 10) {
                throw new NpyFormatException(source + ": not a .npy file (only " + totalSize + " bytes)");
            }
            for (int i = 0; i < MAGIC.length; i++) {
                if (first[i] != MAGIC[i]) {
                    throw new NpyFormatException(source + ": not a .npy file (the magic string \\x93NUMPY is missing)");
                }
            }
            int major = first[6] & 0xff;
            int minor = first[7] & 0xff;
            ByteBuffer in = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);
            long headerLength;
            int headerStart;
            switch (major) {
                case 1 -> {
                    headerLength = in.getShort(8) & 0xffff;
                    headerStart = 10;
                }
                case 2, 3 -> {
                    if (first.length < 12) {
                        throw new NpyFormatException(source + ": truncated header (the file ends after "
                                + totalSize + " bytes)");
                    }
                    headerLength = in.getInt(8) & 0xffffffffL;
                    headerStart = 12;
                }
                default -> throw new NpyFormatException(source + ": unsupported .npy version " + major + "." + minor
                        + " (1.0, 2.0 and 3.0 are supported)");
            }
            if (headerLength > MAX_HEADER) {
                throw new NpyFormatException(source + ": a header of " + headerLength
                        + " bytes is announced, more than the " + MAX_HEADER + " a .npy header may have");
            }
            if (headerStart + headerLength > totalSize) {
                throw new NpyFormatException(source + ": truncated header (" + headerLength + " bytes announced, "
                        + Math.max(0, totalSize - headerStart) + " present)");
            }
            return new Preamble(major, headerStart, (int) headerLength);
        }
    }

    /** Where the values are and what they are, known from the preamble and the header alone. */
    private record Layout(int[] shape, NpyDtype dtype, boolean fortranOrder, long dataStart, long dataBytes,
            long count) {
        static Layout of(Preamble pre, byte[] headerBytes, long totalSize, String source) {
            String text = new String(headerBytes, pre.major() == 3 ? StandardCharsets.UTF_8
                    : StandardCharsets.ISO_8859_1);
            NpyHeader h = NpyHeader.parse(text, source);
            NpyDtype dtype = NpyDtype.parse(h.descr(), source);
            long dataStart = (long) pre.headerStart() + pre.headerLength();
            long present = totalSize - dataStart;
            // a lying header may announce more than a long counts: anything past the file's size is refused
            long count = 1;
            for (int s : h.shape()) {
                if (s != 0 && count > Long.MAX_VALUE / s / dtype.size()) {
                    count = -1;
                    break;
                }
                count *= s;
            }
            long needed = count < 0 ? -1 : count * dtype.size();
            if (needed < 0 || present < needed) {
                throw new NpyFormatException(source + ": truncated data: shape " + Tensor.shapeString(h.shape())
                        + " of " + dtype.label() + " needs " + (needed < 0 ? "more than 2^63" : String.valueOf(needed))
                        + " bytes but the file has " + present);
            }
            if (needed > Integer.MAX_VALUE - 16) {
                throw new NpyFormatException(source + ": an array of " + needed + " bytes is too large to read (at "
                        + "most " + (Integer.MAX_VALUE - 16) + " bytes)");
            }
            return new Layout(h.shape(), dtype, h.fortranOrder(), dataStart, needed, count);
        }

        String describe() {
            return "shape " + Tensor.shapeString(shape) + " of " + dtype.label();
        }
    }

    /**
     * A C-ordered float32 or float64 array (a float[] or a double[]), read in chunks through a small buffer
     * in the file's byte order.
     */
    private static Object readFloats(FileChannel channel, Layout layout, String source) throws IOException {
        int size = layout.dtype().size();
        int count = (int) layout.count();
        boolean f32 = size == 4;
        float[] floats = f32 ? new float[count] : null;
        double[] doubles = f32 ? null : new double[count];
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(layout.dtype().order());
        int perChunk = buf.capacity() / size;
        long at = layout.dataStart();
        for (int done = 0; done < count; ) {
            int len = Math.min(perChunk, count - done);
            buf.clear().limit(len * size);
            at = fill(channel, buf, at, layout.dataStart() + layout.dataBytes(), source);
            buf.flip();
            if (f32) {
                buf.asFloatBuffer().get(floats, done, len);
            } else {
                buf.asDoubleBuffer().get(doubles, done, len);
            }
            done += len;
        }
        return f32 ? floats : doubles;
    }

    private static byte[] readFully(FileChannel channel, long start, int length, String source) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(length);
        fill(channel, buf, start, start + length, source);
        return buf.array();
    }

    /**
     * Fills buf's remaining space from the file at {@code at}; returns the position after. {@code end} is
     * where the caller expects the part it reads to end, for the message when the file ends first.
     */
    private static long fill(FileChannel channel, ByteBuffer buf, long at, long end, String source)
            throws IOException {
        while (buf.hasRemaining()) {
            int n = channel.read(buf, at);
            if (n < 0) {
                throw new NpyFormatException(source + ": truncated: the file ended at byte " + at + " while "
                        + end + " were expected");
            }
            at += n;
        }
        return at;
    }

    private static NpyArray decode(Layout layout, ByteBuffer raw, String source) {
        boolean nativeLayout = !layout.fortranOrder()
                && (layout.dtype().size() == 1 || layout.dtype().order() == ByteOrder.nativeOrder());
        if (nativeLayout && raw.position() == 0 && raw.hasArray() && raw.arrayOffset() == 0
                && raw.capacity() == layout.dataBytes()) {
            // already C order in native byte order, and the buffer is ours alone: no second copy of a large array
            return new NpyArray(source, layout.shape(), layout.dtype(), raw.order(ByteOrder.nativeOrder()));
        }
        ByteBuffer data = ByteBuffer.allocate((int) layout.dataBytes()).order(ByteOrder.nativeOrder());
        copyToNative(raw.order(layout.dtype().order()), data, layout.dtype(), (int) layout.count(),
                layout.fortranOrder() ? layout.shape() : null);
        return new NpyArray(source, layout.shape(), layout.dtype(), data);
    }

    /** Copies elements into native order, transposing a Fortran-ordered array into C order. */
    private static void copyToNative(ByteBuffer raw, ByteBuffer out, NpyDtype dtype, int count, int[] fortranShape) {
        int size = dtype.size();
        for (int c = 0; c < count; c++) {
            int src = fortranShape == null ? c : fortranIndex(c, fortranShape);
            int from = src * size;
            int to = c * size;
            switch (size) {
                case 1 -> out.put(to, raw.get(from));
                case 2 -> out.putShort(to, raw.getShort(from));
                case 4 -> out.putInt(to, raw.getInt(from));
                default -> out.putLong(to, raw.getLong(from));
            }
        }
    }

    /** Position in a column-major layout of the element whose row-major position is {@code c}. */
    private static int fortranIndex(int c, int[] shape) {
        int rem = c;
        int index = 0;
        int stride = 1;
        int[] coords = new int[shape.length];
        for (int axis = shape.length - 1; axis >= 0; axis--) {
            coords[axis] = rem % shape[axis];
            rem /= shape[axis];
        }
        for (int axis = 0; axis < shape.length; axis++) {
            index += coords[axis] * stride;
            stride *= shape[axis];
        }
        return index;
    }

    /**
     * Writes a tensor as a version 1.0 .npy file in C order, little-endian, keeping its precision ({@code <f4}
     * or {@code <f8}); NumPy reads it with {@code numpy.load}. Creates or replaces the file.
     *
     * @param file where to write
     * @param tensor the values and shape to write
     * @throws InvalidInputException when file or tensor is null
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        if (file == null || tensor == null) {
            throw new InvalidInputException("Npy.write: file and tensor must not be null");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, tensor);
        }
    }

    /**
     * Writes a tensor as {@link #write(Path, Tensor)} does, to a stream, which is neither flushed nor closed.
     *
     * @param out the stream to write the header and values to
     * @param tensor the values and shape to write
     * @throws InvalidInputException when out or tensor is null
     * @throws IOException when writing to the stream fails
     */
    public static void write(OutputStream out, Tensor tensor) throws IOException {
        if (out == null || tensor == null) {
            throw new InvalidInputException("Npy.write: out and tensor must not be null");
        }
        String descr = tensor.dtype() == DType.FLOAT32 ? "<f4" : "<f8";
        out.write(header(descr, tensor.shape()));
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        long size = tensor.size();
        // heap tensors (every backend's output) go over in bulk: element by element is most of a cold
        // command's write time
        float[] floats = tensor.dtype() == DType.FLOAT32 ? tensor.floatArray().orElse(null) : null;
        double[] doubles = tensor.dtype() == DType.FLOAT64 ? tensor.doubleArray().orElse(null) : null;
        for (long start = 0; start < size; start += chunk) {
            buf.clear();
            long end = Math.min(size, start + chunk);
            if (floats != null) {
                buf.asFloatBuffer().put(floats, (int) start, (int) (end - start));
                out.write(buf.array(), 0, (int) (end - start) * Float.BYTES);
                continue;
            }
            if (doubles != null) {
                buf.asDoubleBuffer().put(doubles, (int) start, (int) (end - start));
                out.write(buf.array(), 0, (int) (end - start) * Double.BYTES);
                continue;
            }
            for (long i = start; i < end; i++) {
                if (tensor.dtype() == DType.FLOAT32) {
                    buf.putFloat(tensor.getFloat(i));
                } else {
                    buf.putDouble(tensor.getDouble(i));
                }
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /**
     * Writes integers (labels, indices) as a version 1.0 .npy file of int64 ({@code <i8}), C order. Creates or
     * replaces the file; when the values do not fill the shape the file is left empty.
     *
     * @param file where to write
     * @param values the values in C order; their count must be the product of the shape
     * @param shape the array's shape, e.g. {@code n, k} for an index matrix; none for a scalar
     * @throws InvalidInputException when file, values or shape is null, or the values do not fill the shape
     * @throws IOException when the file cannot be written
     */
    public static void write(Path file, long[] values, int... shape) throws IOException {
        if (file == null) {
            throw new InvalidInputException("Npy.write: file must not be null");
        }
        // checked before the file is created, so that a refusal leaves nothing behind
        checkLongs(values, shape);
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, values, shape);
        }
    }

    /**
     * Writes integers (labels, indices) of the given shape as int64, little-endian, to a stream, which is
     * neither flushed nor closed. Nothing is written when the shape does not fit the values.
     *
     * @param out the stream
     * @param values the values in C order; their count must be the product of the shape
     * @param shape the array's shape
     * @throws InvalidInputException when out, values or shape is null, or the values do not fill the shape
     * @throws IOException when writing to the stream fails
     */
    public static void write(OutputStream out, long[] values, int... shape) throws IOException {
        if (out == null) {
            throw new InvalidInputException("Npy.write: out must not be null");
        }
        checkLongs(values, shape);
        out.write(header("<i8", shape));
        // in pieces, so that a large index array (n·k int64) needs no second copy of itself
        ByteBuffer buf = ByteBuffer.allocate(8 * 8192).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at < values.length; ) {
            buf.clear();
            int end = Math.min(values.length, at + 8192);
            for (; at < end; at++) {
                buf.putLong(values[at]);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /** A version 1.0 header padded so that the data starts on a 64-byte boundary, as NumPy does. */
    static byte[] header(String descr, int[] shape) {
        StringBuilder dict = new StringBuilder("{'descr': '").append(descr)
                .append("', 'fortran_order': False, 'shape': ").append(Tensor.shapeString(shape)).append(", }");
        int total = 10 + dict.length() + 1;
        int pad = (64 - total % 64) % 64;
        dict.append(" ".repeat(pad)).append('\n');
        byte[] text = dict.toString().getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer out = ByteBuffer.allocate(10 + text.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length).put(text);
        return out.array();
    }

    /** Integers to write must exist and fill the shape (no dimension negative). */
    private static void checkLongs(long[] values, int[] shape) {
        if (values == null || shape == null) {
            throw new InvalidInputException("Npy.write: values and shape must not be null");
        }
        long count = 1;
        for (int dim : shape) {
            if (dim < 0) {
                throw new InvalidInputException("Npy.write: shape " + Tensor.shapeString(shape)
                        + " has a negative dimension");
            }
            count *= dim;
        }
        if (count != values.length) {
            throw new InvalidInputException("Npy.write: " + values.length + " values for shape "
                    + Tensor.shapeString(shape));
        }
    }

}
