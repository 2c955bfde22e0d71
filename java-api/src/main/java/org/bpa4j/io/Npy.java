package org.bpa4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.bpa4j.DType;
import org.bpa4j.Tensor;

/**
 * Reads and writes NumPy's .npy format: header versions 1.0, 2.0 and 3.0; little- and big-endian
 * float32, float64 and integer types; C and Fortran order. Anything else is refused with an
 * {@link NpyFormatException} naming what was found.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** A header longer than this is not a NumPy header (NumPy itself caps it far lower). */
    private static final int MAX_HEADER = 1 << 20;

    private Npy() {
    }

    /** Reads a .npy file. A missing, truncated or malformed file fails with a message naming it. */
    public static NpyArray read(Path file) throws IOException {
        if (file == null) {
            throw new IllegalArgumentException("Npy.read: file is null");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NpyFormatException(file + ": no such file");
        }
        return parse(bytes, file.toString());
    }

    /** Parses the bytes of a .npy file; {@code source} names it in error messages. */
    public static NpyArray parse(byte[] bytes, String source) {
        if (bytes == null) {
            throw new IllegalArgumentException("Npy.parse: bytes are null");
        }
        if (bytes.length < 10) {
            throw new NpyFormatException(source + ": not a .npy file (only " + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new NpyFormatException(source + ": not a .npy file (the magic string \\x93NUMPY is missing)");
            }
        }
        int major = bytes[6] & 0xff;
        int minor = bytes[7] & 0xff;
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength;
        int headerStart;
        switch (major) {
            case 1 -> {
                headerLength = in.getShort(8) & 0xffff;
                headerStart = 10;
            }
            case 2, 3 -> {
                if (bytes.length < 12) {
                    throw new NpyFormatException(source + ": truncated header");
                }
                headerLength = in.getInt(8) & 0xffffffffL;
                headerStart = 12;
            }
            default -> throw new NpyFormatException(source + ": unsupported .npy version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 are supported)");
        }
        if (headerLength > MAX_HEADER || headerStart + headerLength > bytes.length) {
            throw new NpyFormatException(source + ": truncated header (" + headerLength + " bytes announced, "
                    + Math.max(0, bytes.length - headerStart) + " present)");
        }
        String header = new String(bytes, headerStart, (int) headerLength,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader h = NpyHeader.parse(header, source);
        NpyDtype dtype = NpyDtype.parse(h.descr(), source);
        long count = 1;
        for (int s : h.shape()) {
            count = Math.multiplyExact(count, (long) s);
        }
        int dataStart = headerStart + (int) headerLength;
        long needed = count * dtype.size();
        long present = bytes.length - dataStart;
        if (present < needed) {
            throw new NpyFormatException(source + ": truncated data: shape " + Tensor.shapeString(h.shape()) + " of "
                    + dtype.label() + " needs " + needed + " bytes but the file has " + present);
        }
        if (needed > Integer.MAX_VALUE - 16) {
            throw new NpyFormatException(source + ": array of " + needed + " bytes is too large to read");
        }
        ByteBuffer data = ByteBuffer.allocate((int) needed).order(ByteOrder.nativeOrder());
        ByteBuffer raw = ByteBuffer.wrap(bytes, dataStart, (int) needed).slice().order(dtype.order());
        copyToNative(raw, data, dtype, (int) count, h.fortranOrder() ? h.shape() : null);
        return new NpyArray(source, h.shape(), dtype, data);
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

    /** Writes a tensor as a version 1.0 .npy file in C order, little-endian, keeping its precision. */
    public static void write(Path file, Tensor tensor) throws IOException {
        if (file == null || tensor == null) {
            throw new IllegalArgumentException("Npy.write: file and tensor must not be null");
        }
        try (OutputStream out = Files.newOutputStream(file)) {
            write(out, tensor);
        }
    }

    public static void write(OutputStream out, Tensor tensor) throws IOException {
        String descr = tensor.dtype() == DType.FLOAT32 ? "<f4" : "<f8";
        out.write(header(descr, tensor.shape()));
        int chunk = 1 << 16;
        ByteBuffer buf = ByteBuffer.allocate(chunk * 8).order(ByteOrder.LITTLE_ENDIAN);
        long size = tensor.size();
        for (long start = 0; start < size; start += chunk) {
            buf.clear();
            long end = Math.min(size, start + chunk);
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

    /** Writes integers (labels) as int64, little-endian. */
    public static void write(Path file, long[] values, int... shape) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write(header("<i8", shape));
            ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            for (long v : values) {
                buf.putLong(v);
            }
            out.write(buf.array());
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
}
