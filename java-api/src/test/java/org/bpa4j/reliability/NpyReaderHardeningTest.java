package org.bpa4j.reliability;

import static org.bpa4j.reliability.BadInputTest.assertNamed;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyArray;
import org.bpa4j.io.NpyFormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Issue 6, items 1 and 5: the .npy reader on the files NumPy 2.4 writes (test resources
 * {@code org/bpa4j/reliability/npy}, made with {@code np.save} and {@code numpy.lib.format.write_array}) and
 * on damaged ones. A file it cannot read costs one {@link NpyFormatException} naming the file and what
 * was found — never another exception, and never an allocation the file's size does not justify.
 */
class NpyReaderHardeningTest {

    static byte[] fixture(String name) {
        try (InputStream in = NpyReaderHardeningTest.class.getResourceAsStream("npy/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource npy/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path copy(String name, Path dir) throws IOException {
        Path file = dir.resolve(name);
        Files.write(file, fixture(name));
        return file;
    }

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource({
        "complex64.npy, complex64",
        "complex128.npy, complex128",
        "str_unicode.npy, str",
        "bytes.npy, bytes",
        "object.npy, object",
        "bool.npy, bool",
        "float16.npy, float16",
        "datetime64.npy, datetime64",
        "structured.npy, structured",
    })
    void unsupportedDtypesAreRefusedByName(String file, String named, @TempDir Path dir) throws IOException {
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.read(copy(file, dir)));
        assertNamed(e, file, named);
    }

    @Test
    void aFortranOrderedArrayIsReadInItsLogicalOrder(@TempDir Path dir) throws IOException {
        Tensor c = Npy.read(copy("c_float64.npy", dir)).toTensor();
        Tensor f = Npy.read(copy("fortran_float64.npy", dir)).toTensor();
        assertArrayEquals(new int[] {3, 4}, f.shape());
        assertArrayEquals(c.toDoubleArray(), f.toDoubleArray());
        assertEquals(-0.5 + 6 / 8.0, f.get(1, 2));

        Tensor f3 = Npy.read(copy("fortran_float32_3d.npy", dir)).toTensor();
        assertEquals(DType.FLOAT32, f3.dtype());
        assertArrayEquals(new int[] {2, 3, 4}, f3.shape());
        for (int i = 0; i < 24; i++) {
            assertEquals((i - 7) / 4.0f, f3.getFloat(i), "element " + i + " in C order");
        }
        Tensor be = Npy.read(copy("bigendian_fortran_float32.npy", dir)).toTensor();
        assertArrayEquals(c.toFloatArray(), be.toFloatArray());
        Tensor i16 = Npy.read(copy("int16_fortran.npy", dir)).toTensor();
        assertArrayEquals(new double[] {1, -2, 3, 4, 5, -6}, i16.toDoubleArray());
    }

    @Test
    void everyHeaderVersionAndByteOrderReadsTheSameValues(@TempDir Path dir) throws IOException {
        double[] expected = Npy.read(copy("c_float64.npy", dir)).toTensor().toDoubleArray();
        assertArrayEquals(expected, Npy.read(copy("bigendian_float64.npy", dir)).toTensor().toDoubleArray());
        assertArrayEquals(expected, Npy.read(copy("version2_float64.npy", dir)).toTensor().toDoubleArray());
        assertArrayEquals(expected, Npy.read(copy("version3_float32.npy", dir)).toTensor().toDoubleArray());
    }

    /** Integer features are valid input: converted to float64, they give the same Z as the same floats. */
    @Test
    void integerFeatureArraysAreConverted(@TempDir Path dir) throws IOException {
        Bpa bpa = Bpa.builder().device(Device.REFERENCE).build();
        for (String name : new String[] {"int64_features.npy", "uint8_features.npy"}) {
            NpyArray a = Npy.read(copy(name, dir));
            Tensor x = a.toTensor();
            assertEquals(DType.FLOAT64, x.dtype(), name);
            double[] asFloats = x.toDoubleArray();
            Tensor z = bpa.forward(x).output();
            Tensor zFloats = bpa.forward(Tensor.of(asFloats, a.shape())).output();
            assertArrayEquals(zFloats.toDoubleArray(), z.toDoubleArray(), name);
        }
        assertArrayEquals(new double[] {0, 16, 3, 7, 0, 12, 16, 16, 1, 5, 9, 0},
                Npy.read(copy("uint8_features.npy", dir)).toTensor().toDoubleArray());
    }

    @Test
    void labelsMustBeWholeNumbers(@TempDir Path dir) throws IOException {
        assertArrayEquals(new int[] {0, 1, 0, 2}, Npy.read(copy("labels_int64.npy", dir)).toIntArray());
        assertArrayEquals(new int[] {1, 0, 1}, Npy.read(copy("labels_int32.npy", dir)).toIntArray());
        assertArrayEquals(new int[] {1, 0, 2}, Npy.read(copy("labels_float_whole.npy", dir)).toIntArray());
        NpyArray fractional = Npy.read(copy("labels_float_fraction.npy", dir));
        assertNamed(assertThrows(NpyFormatException.class, fractional::toIntArray), "0.5", "index 1", "integer");
    }

    @Test
    void arraysOfTheWrongRankAreRefusedAsTensors(@TempDir Path dir) throws IOException {
        NpyArray four = Npy.read(copy("four_d.npy", dir));
        assertNamed(assertThrows(NpyFormatException.class, four::toTensor), "four_d.npy", "4-d", "(2, 2, 2, 2)");
        NpyArray zero = Npy.read(copy("zero_d.npy", dir));
        assertNamed(assertThrows(NpyFormatException.class, zero::toTensor), "zero_d.npy", "0-d");
        // shapes a tensor can have but BPA cannot take are the API's to refuse
        Bpa bpa = Bpa.builder().device(Device.REFERENCE).build();
        Tensor empty = Npy.read(copy("empty_0x3.npy", dir)).toTensor();
        assertNamed(assertThrows(IllegalArgumentException.class, () -> bpa.forward(empty)), "(0, 3)");
        Tensor oneD = Npy.read(copy("one_d.npy", dir)).toTensor();
        assertNamed(assertThrows(IllegalArgumentException.class, () -> bpa.forward(oneD)), "2-d", "(5,)");
    }

    @Test
    void nonFiniteValuesInAFileAreFoundWithTheirPosition(@TempDir Path dir) throws IOException {
        Bpa bpa = Bpa.builder().device(Device.REFERENCE).build();
        Tensor nan = Npy.read(copy("nan_at_2_1.npy", dir)).toTensor();
        assertNamed(assertThrows(IllegalArgumentException.class, () -> bpa.forward(nan)), "nan", "row 2",
                "column 1");
        Tensor inf = Npy.read(copy("inf_set1_row0_col2.npy", dir)).toTensor();
        assertNamed(assertThrows(IllegalArgumentException.class, () -> bpa.forward(inf)), "-inf", "set 1", "row 0",
                "column 2");
    }

    @Test
    void aMissingFileOrAFolderIsRefusedByName(@TempDir Path dir) {
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.read(dir.resolve("absent.npy"))),
                "absent.npy", "no such file");
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.read(dir)), dir.toString(), "folder");
    }

    /** Every prefix of a valid file, through both the in-memory and the file reader. */
    @Test
    void everyTruncationIsRefused(@TempDir Path dir) throws IOException {
        for (String name : new String[] {"c_float64.npy", "version2_float64.npy", "version3_float32.npy",
            "fortran_float32_3d.npy"}) {
            byte[] whole = fixture(name);
            Path file = dir.resolve("cut.npy");
            for (int length = 0; length < whole.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(whole, length);
                NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.parse(cut, "cut.npy"),
                        name + " cut to " + length + " bytes");
                assertNamed(e, "cut.npy");
                Files.write(file, cut);
                NpyFormatException fromFile = assertThrows(NpyFormatException.class, () -> Npy.read(file));
                assertEquals(e.getMessage().replace("cut.npy", file.toString()), fromFile.getMessage(),
                        "the file reader and the in-memory parser agree on " + name + " cut to " + length);
            }
        }
    }

    @Test
    void garbageIsRefused(@TempDir Path dir) throws IOException {
        byte[][] garbage = {
            new byte[0],
            "hello world, this is not numpy at all".getBytes(StandardCharsets.US_ASCII),
            {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13},
            "\u0093NUMPY".getBytes(StandardCharsets.ISO_8859_1),
            header(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16),
        };
        garbage[4][6] = 9; // version 9.0
        for (int i = 0; i < garbage.length; i++) {
            Path file = dir.resolve("garbage" + i + ".npy");
            Files.write(file, garbage[i]);
            assertNamed(assertThrows(NpyFormatException.class, () -> Npy.read(file)), file.toString());
        }
    }

    /** Headers whose words are wrong, each refused as what it is. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "{'descr': '<f8', 'fortran_order': False, }                        | missing 'shape'",
        "{'descr': '<f8', 'shape': (2,), }                                 | missing 'fortran_order'",
        "{'fortran_order': False, 'shape': (2,), }                         | missing 'descr'",
        "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (2,), }         | true or false",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2, -1), }      | expected a dimension",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999,), } | too large",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'x': 1, }  | unknown key 'x'",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (2,)             | unexpected end",
        "{'descr': '<f8, 'fortran_order': False, 'shape': (2,), }           | malformed header",
        "{'descr': '<q8', 'fortran_order': False, 'shape': (2,), }          | not supported",
        "{'descr': '*f8', 'fortran_order': False, 'shape': (2,), }          | byte order '*'",
        "{'descr': '<f', 'fortran_order': False, 'shape': (2,), }           | dtype float ('<f') is not supported",
        "{'descr': '<f8', 'fortran_order': False, 'shape': (\u0662,), }     | expected a dimension",
    })
    void malformedHeadersAreRefused(String header, String named) {
        byte[] file = header(1, header, 16);
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(file, "h.npy")), "h.npy", named);
    }

    /**
     * A header that announces far more data than the file holds is refused from the header and the file's
     * size alone: nothing near the announced size is allocated.
     */
    @ParameterizedTest(name = "shape {0}")
    @CsvSource(delimiter = '|', value = {
        "(1000000, 1000000)",
        "(2147483647, 2147483647, 2147483647)",
        "(2147483647, 2147483647, 2147483647, 2147483647, 2147483647)",
        "(0, 2147483647, 2147483647, 5)",
        "(268435455,)",
    })
    void aLyingHeaderCostsNoAllocation(String shape, @TempDir Path dir) throws IOException {
        byte[] file = header(1, "{'descr': '<f8', 'fortran_order': False, 'shape': " + shape + ", }", 64);
        Path path = dir.resolve("liar.npy");
        Files.write(path, file);
        long before = allocatedBytes();
        boolean empty = shape.startsWith("(0,");
        if (empty) {
            // a zero in the shape: no values, nothing to read, whatever the other dimensions say
            assertEquals(0, Npy.read(path).size());
        } else {
            assertNamed(assertThrows(NpyFormatException.class, () -> Npy.read(path)), "liar.npy", "truncated data");
            assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(file, "liar.npy")), "truncated data");
        }
        long allocated = allocatedBytes() - before;
        assertTrue(allocated < 4 << 20, "reading a " + file.length + "-byte file allocated " + allocated + " bytes");
    }

    @Test
    void aHeaderLengthPastTheFileIsRefused() {
        byte[] v2 = header(2, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 8);
        ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN).putInt(8, -1); // 4 GiB announced
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(v2, "long.npy")), "long.npy", "header");
        byte[] v1 = header(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), }", 8);
        ByteBuffer.wrap(v1).order(ByteOrder.LITTLE_ENDIAN).putShort(8, (short) 60000);
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(v1, "long.npy")), "truncated header",
                "60000");
    }

    /** A .npy file with the given header text (no padding) followed by {@code dataBytes} zero bytes. */
    static byte[] header(int major, String text, int dataBytes) {
        byte[] h = text.getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        ByteBuffer len = ByteBuffer.allocate(major == 1 ? 2 : 4).order(ByteOrder.LITTLE_ENDIAN);
        if (major == 1) {
            len.putShort((short) h.length);
        } else {
            len.putInt(h.length);
        }
        out.writeBytes(len.array());
        out.writeBytes(h);
        out.writeBytes(new byte[dataBytes]);
        return out.toByteArray();
    }

    /** Bytes this thread has allocated so far (HotSpot's per-thread counter). */
    static long allocatedBytes() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        return bean.getCurrentThreadAllocatedBytes();
    }

    /** A file whose values cannot fit the heap is refused before they are read (a JVM with 32 MiB of heap). */
    @Test
    void aLargeNpyFileIsRefusedBeforeItsDataIsRead(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("large.npy");
        // 40 MB of float64: the reader reads floats straight into their array, so the values alone must not fit
        Npy.write(file, Tensor.zeros(DType.FLOAT64, 5_000_000));
        String path = file.toString();
        MemoryLimitTest.assertRefused(ForkedJvm.run(List.of("-Xmx32m"), MemoryProbe.class, "npy", "reference", path),
                "large.npy", "shape (5000000,) of float64", "heap");
        MemoryLimitTest.assertDone(ForkedJvm.run(List.of("-Xmx256m"), MemoryProbe.class, "npy", "reference", path));
    }
}
