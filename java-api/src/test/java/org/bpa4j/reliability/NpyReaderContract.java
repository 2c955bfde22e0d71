package org.bpa4j.reliability;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.io.NpyFormatException;

/**
 * What the .npy reader promises for any bytes at all, checked by the fuzzer and by the seeded mutations:
 * it returns an array or throws {@link NpyFormatException} — nothing else; the file reader and the
 * in-memory parser agree; what it returns converts to a tensor (or is refused with the same exception)
 * and survives a write and a read unchanged; and it never allocates much more than the input justifies.
 */
final class NpyReaderContract {
    /**
     * Reading twice, converting (a one-byte integer becomes an 8-byte double) and writing back make a few
     * dozen copies at most; a header that lies about its size would cost megabytes to gigabytes.
     */
    private static final long ALLOCATION_PER_INPUT_BYTE = 256;

    private final Path scratch;
    private final long allocationSlack;

    /**
     * {@code scratch}: a file the file-reader half of the check may overwrite. {@code allocationSlack}: the
     * bytes any input may allocate beside its own size's worth (class loading and, under a fuzzer, its
     * instrumentation allocate on the same thread).
     */
    NpyReaderContract(Path scratch, long allocationSlack) {
        this.scratch = scratch;
        this.allocationSlack = allocationSlack;
        // the first reads load classes: not counted against any input
        byte[] warmUp = NpyReaderHardeningTest.fixture("c_float64.npy");
        check(warmUp);
        check(java.util.Arrays.copyOf(warmUp, 50));
    }

    void check(byte[] input) {
        long before = NpyReaderHardeningTest.allocatedBytes();
        String parsed = outcome(() -> Npy.parse(input, scratch.toString()));
        String read;
        try {
            Files.write(scratch, input);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        read = outcome(() -> Npy.read(scratch));
        if (!parsed.equals(read)) {
            throw new AssertionError("Npy.parse and Npy.read disagree on " + describe(input) + ":\n  parse: " + parsed
                    + "\n  read:  " + read);
        }
        long allocated = NpyReaderHardeningTest.allocatedBytes() - before;
        long allowed = allocationSlack + ALLOCATION_PER_INPUT_BYTE * input.length;
        if (allocated > allowed) {
            throw new AssertionError("reading " + describe(input) + " allocated " + allocated + " bytes (allowed "
                    + allowed + ")");
        }
    }

    private interface Read {
        NpyArray run() throws IOException;
    }

    /** "refused: message", or a description of the array after checking what can be done with it. */
    private static String outcome(Read read) {
        NpyArray array;
        try {
            array = read.run();
        } catch (NpyFormatException e) {
            return "refused: " + e.getMessage();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return "read: " + array + " " + checkArray(array);
    }

    private static String checkArray(NpyArray array) {
        long size = array.size();
        if (size < 0 || size != Arrays.stream(array.shape()).asLongStream().reduce(1, Math::multiplyExact)) {
            throw new AssertionError("size " + size + " does not match shape " + Arrays.toString(array.shape()));
        }
        String labels;
        try {
            labels = Arrays.hashCode(array.toIntArray()) + "";
        } catch (NpyFormatException e) {
            labels = "no labels: " + e.getMessage();
        }
        Tensor t;
        try {
            t = array.toTensor();
        } catch (NpyFormatException e) {
            return labels + "; no tensor: " + e.getMessage();
        }
        if (t.size() != size || !Arrays.equals(t.shape(), array.shape())) {
            throw new AssertionError("tensor " + t + " from " + array);
        }
        for (long i = 0; i < size; i++) {
            double expected = array.getDouble(i);
            double actual = t.getDouble(i);
            boolean same = t.dtype() == org.bpa4j.DType.FLOAT32 ? Float.compare((float) expected, (float) actual) == 0
                    : Double.compare(expected, actual) == 0;
            if (!same) {
                throw new AssertionError("value " + i + ": array " + expected + ", tensor " + actual);
            }
        }
        // what was read is written and read back bit for bit
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            Npy.write(out, t);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Tensor back = Npy.parse(out.toByteArray(), "round trip").toTensor();
        if (!Arrays.equals(back.shape(), t.shape()) || back.dtype() != t.dtype() || !sameBits(back, t)) {
            throw new AssertionError("round trip changed " + t + " into " + back);
        }
        return labels + "; tensor " + t;
    }

    private static boolean sameBits(Tensor a, Tensor b) {
        for (long i = 0; i < a.size(); i++) {
            boolean same = a.dtype() == org.bpa4j.DType.FLOAT32
                    ? Float.floatToIntBits(a.getFloat(i)) == Float.floatToIntBits(b.getFloat(i))
                    : Double.doubleToLongBits(a.getDouble(i)) == Double.doubleToLongBits(b.getDouble(i));
            if (!same) {
                return false;
            }
        }
        return true;
    }

    static String describe(byte[] input) {
        StringBuilder sb = new StringBuilder(input.length + " bytes: ");
        for (int i = 0; i < Math.min(input.length, 160); i++) {
            int b = input[i] & 0xff;
            sb.append(b >= 32 && b < 127 ? String.valueOf((char) b) : String.format("\\x%02x", b));
        }
        return sb.append(input.length > 160 ? "..." : "").toString();
    }
}
