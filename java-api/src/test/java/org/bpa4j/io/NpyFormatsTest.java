package org.bpa4j.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bpa4j.DType;
import org.bpa4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .npy variants NumPy writes: versions, byte orders, element types and memory orders. */
class NpyFormatsTest {

    /** A .npy file with the given header dict and raw data, in any header version. */
    static byte[] npy(int major, String dict, byte[] data) {
        int prefix = major == 1 ? 10 : 12;
        int total = prefix + dict.length() + 1;
        String header = dict + " ".repeat((64 - total % 64) % 64) + "\n";
        byte[] text = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out = ByteBuffer.allocate(prefix + text.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            out.putShort((short) text.length);
        } else {
            out.putInt(text.length);
        }
        return out.put(text).put(data).array();
    }

    static byte[] doubles(ByteOrder order, double... v) {
        ByteBuffer b = ByteBuffer.allocate(v.length * 8).order(order);
        for (double x : v) {
            b.putDouble(x);
        }
        return b.array();
    }

    /**
     * Float files of either byte order are read straight into the tensor's array, through a 1 MiB buffer:
     * reading 8 MiB of values allocates about 8 MiB, not the two or three copies a bytes-then-decode read made.
     */
    @Test
    void aFloatFileIsReadIntoItsTensorWithoutFurtherCopies(@TempDir Path dir) throws Exception {
        int count = 1 << 21; // 8 MiB of float32, more than one buffer-full
        for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
            ByteBuffer data = ByteBuffer.allocate(count * 4).order(order);
            for (int i = 0; i < count; i++) {
                data.putFloat(i * 0.25f - 1000f);
            }
            String descr = order == ByteOrder.LITTLE_ENDIAN ? "<f4" : ">f4";
            Path file = dir.resolve(descr.charAt(0) == '<' ? "le.npy" : "be.npy");
            Files.write(file, npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (2048, 1024), }",
                    data.array()));
            data = null;
            var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
            long before = threads.getCurrentThreadAllocatedBytes();
            Tensor t = Npy.read(file).toTensor(DType.FLOAT32);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertTrue(allocated < count * 4L + (2 << 20), descr + ": reading " + count * 4L + " bytes of values "
                    + "allocated " + allocated);
            assertArrayEquals(new int[] {2048, 1024}, t.shape());
            for (int i : new int[] {0, 1, 262143, 262144, count - 1}) {
                assertEquals(i * 0.25f - 1000f, t.getFloat(i), descr + " value " + i);
            }
        }
    }

    @Test
    void roundTripKeepsShapePrecisionAndValues(@TempDir Path dir) throws Exception {
        Tensor f = Tensor.of(new float[] {1.5f, -2f, 3.25f, 0f, 7f, -0.125f}, 2, 3);
        Tensor d = Tensor.of(new double[] {Math.PI, -1e-300, 1e300, 0, 5, 6, 7, 8}, 2, 2, 2);
        Npy.write(dir.resolve("f.npy"), f);
        Npy.write(dir.resolve("d.npy"), d);
        Tensor f2 = Npy.read(dir.resolve("f.npy")).toTensor();
        Tensor d2 = Npy.read(dir.resolve("d.npy")).toTensor();
        assertEquals(DType.FLOAT32, f2.dtype());
        assertEquals(DType.FLOAT64, d2.dtype());
        assertArrayEquals(f.toFloatArray(), f2.toFloatArray());
        assertArrayEquals(d.toDoubleArray(), d2.toDoubleArray());
        assertArrayEquals(new int[] {2, 2, 2}, d2.shape());
        // NumPy aligns the data to 64 bytes
        assertEquals(0, (Files.size(dir.resolve("f.npy")) - 6 * 4) % 64);
    }

    @Test
    void readsBigEndianAndEveryHeaderVersion() {
        byte[] data = doubles(ByteOrder.BIG_ENDIAN, 1, 2, 3, 4);
        for (int major = 1; major <= 3; major++) {
            NpyArray a = Npy.parse(npy(major, "{'descr': '>f8', 'fortran_order': False, 'shape': (2, 2), }", data),
                    "v" + major);
            assertArrayEquals(new double[] {1, 2, 3, 4}, a.toTensor().toDoubleArray(), "version " + major);
        }
    }

    @Test
    void transposesFortranOrderIntoCOrder() {
        // the 2×3 matrix [[1,2,3],[4,5,6]] stored column by column
        byte[] data = doubles(ByteOrder.LITTLE_ENDIAN, 1, 4, 2, 5, 3, 6);
        NpyArray a = Npy.parse(npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", data), "F");
        assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, a.toTensor().toDoubleArray());
    }

    @Test
    void readsIntegerLabelsAndIntegerFeatures() {
        ByteBuffer b = ByteBuffer.allocate(4 * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(3).putLong(0).putLong(-1).putLong(7);
        NpyArray a = Npy.parse(npy(1, "{'descr': '<i8', 'fortran_order': False, 'shape': (4,), }", b.array()), "y");
        assertArrayEquals(new int[] {3, 0, -1, 7}, a.toIntArray());
        byte[] u8 = {0, (byte) 255, 16, 1};
        NpyArray pixels = Npy.parse(npy(1, "{'descr': '|u1', 'fortran_order': False, 'shape': (2, 2), }", u8), "p");
        assertArrayEquals(new double[] {0, 255, 16, 1}, pixels.toTensor().toDoubleArray());
    }

    @Test
    void refusesWhatItCannotReadNamingIt() {
        byte[] c16 = new byte[32];
        NpyFormatException e = assertThrows(NpyFormatException.class, () -> Npy.parse(
                npy(1, "{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }", c16), "z.npy"));
        assertTrue(e.getMessage().contains("complex128"), e.getMessage());
        e = assertThrows(NpyFormatException.class, () -> Npy.parse(
                npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", new byte[16]), "t.npy"));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        e = assertThrows(NpyFormatException.class, () -> Npy.parse("hello world, not numpy".getBytes(), "g.npy"));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
    }

    @Test
    void writesTheHeaderNumpyExpects() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(out, Tensor.of(new float[] {1, 2, 3}, 3));
        byte[] bytes = out.toByteArray();
        int length = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
        assertEquals(0, (10 + length) % 64, "data aligned to 64 bytes");
        String header = new String(bytes, 10, length, StandardCharsets.ISO_8859_1);
        assertTrue(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }"), header);
        assertTrue(header.endsWith("\n"));
    }
}
