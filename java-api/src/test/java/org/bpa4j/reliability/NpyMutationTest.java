package org.bpa4j.reliability;

import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 5, the part that runs in every build: NumPy's own files mutated the ways a damaged or
 * hostile file differs from a good one — truncations, flipped bits, header words replaced by extreme or
 * wrong ones, a lying header length — all under {@link NpyReaderContract}. Seeded, so a failure repeats;
 * the coverage-guided half is {@link NpyFuzzTest}.
 */
class NpyMutationTest {
    private static final int MUTANTS_PER_FILE = 80;
    private static final String[] FIXTURES = {"c_float64.npy", "fortran_float64.npy", "fortran_float32_3d.npy",
        "bigendian_float64.npy", "int64_features.npy", "uint8_features.npy", "int16_fortran.npy",
        "labels_int64.npy", "version2_float64.npy", "version3_float32.npy", "complex64.npy", "str_unicode.npy",
        "object.npy", "structured.npy", "four_d.npy", "zero_d.npy", "empty_0x3.npy", "one_d.npy"};
    private static final String[] NUMBERS = {"0", "1", "-1", "3", "2147483647", "2147483648", "4294967297",
        "99999999999999999999", "1L", "", " ", "1e3", "0x10", "\u0663"};
    private static final String[] DESCRS = {"<f8", ">f4", "|u1", "<i2", ">u8", "<c16", "<U3", "|O", "|b1", "<f2",
        "<V8", "<M8[D]", "", "'", "f8", "<f", "<f80", "<f-8", "<f+8", "=f8", "|i1", "<i16", "\u00e9f8"};

    @Test
    void mutatedNumpyFilesAreReadOrRefusedWithTheFormatError(@TempDir Path dir) {
        NpyReaderContract contract = new NpyReaderContract(dir.resolve("mutant.npy"), 8 << 20);
        SplittableRandom rnd = new SplittableRandom(20261128L);
        List<String> kinds = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (String name : FIXTURES) {
                byte[] original = NpyReaderHardeningTest.fixture(name);
                contract.check(original);
                for (int m = 0; m < MUTANTS_PER_FILE; m++) {
                    int kind = rnd.nextInt(8);
                    byte[] mutant = mutate(original, kind, rnd);
                    try {
                        contract.check(mutant);
                    } catch (AssertionError | RuntimeException e) {
                        throw new AssertionError(name + ", mutation " + m + " of kind " + kind + ": "
                                + NpyReaderContract.describe(mutant), e);
                    }
                    kinds.add(name + kind);
                }
            }
        });
        assertTrue(kinds.size() == FIXTURES.length * MUTANTS_PER_FILE);
    }

    static byte[] mutate(byte[] original, int kind, SplittableRandom rnd) throws IOException {
        byte[] b = original.clone();
        int headerEnd = Math.min(b.length, headerEnd(original));
        switch (kind) {
            case 0 -> {
                return java.util.Arrays.copyOf(b, rnd.nextInt(b.length));
            }
            case 1 -> {
                for (int flips = 1 + rnd.nextInt(4); flips > 0; flips--) {
                    int at = rnd.nextInt(Math.max(1, headerEnd));
                    b[at] ^= (byte) (1 << rnd.nextInt(8));
                }
                return b;
            }
            case 2 -> {
                byte[] interesting = {0, (byte) 0xff, '(', ')', ',', '\'', '"', '{', '}', ':', '1', '9', 'L', '-', ' ',
                    '\n', (byte) 0x80};
                b[rnd.nextInt(Math.max(1, headerEnd))] = interesting[rnd.nextInt(interesting.length)];
                return b;
            }
            case 3 -> {
                return withHeader(original, text(original).replaceFirst("\\((\\d+)",
                        "(" + NUMBERS[rnd.nextInt(NUMBERS.length)]));
            }
            case 4 -> {
                return withHeader(original, text(original).replaceFirst("'descr': '[^']*'",
                        "'descr': '" + DESCRS[rnd.nextInt(DESCRS.length)] + "'"));
            }
            case 5 -> {
                String t = text(original);
                t = t.contains("False") ? t.replace("False", "True") : t.replace("True", "False");
                int cut = rnd.nextInt(t.length());
                return withHeader(original, rnd.nextBoolean() ? t : t.substring(0, cut) + t.substring(cut + 1));
            }
            case 6 -> {
                // the header length field lies
                ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
                if (b[6] == 1) {
                    bb.putShort(8, (short) rnd.nextInt(1 << 16));
                } else {
                    bb.putInt(8, rnd.nextInt());
                }
                return b;
            }
            default -> {
                // data appended or removed: extra bytes are ignored as NumPy does, missing ones refused
                int delta = rnd.nextInt(-16, 17);
                return java.util.Arrays.copyOf(b, Math.max(0, b.length + delta));
            }
        }
    }

    private static int headerStart(byte[] npy) {
        return npy[6] == 1 ? 10 : 12;
    }

    private static int headerEnd(byte[] npy) {
        ByteBuffer bb = ByteBuffer.wrap(npy).order(ByteOrder.LITTLE_ENDIAN);
        return headerStart(npy) + (npy[6] == 1 ? bb.getShort(8) & 0xffff : bb.getInt(8));
    }

    private static String text(byte[] npy) {
        return new String(npy, headerStart(npy), headerEnd(npy) - headerStart(npy),
                npy[6] == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    }

    /** The same file with another header text (its length field updated), the data unchanged. */
    private static byte[] withHeader(byte[] npy, String header) {
        byte[] h = header.getBytes(npy[6] == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int start = headerStart(npy);
        byte[] data = java.util.Arrays.copyOfRange(npy, headerEnd(npy), npy.length);
        ByteBuffer out = ByteBuffer.allocate(start + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        out.put(npy, 0, 8);
        if (npy[6] == 1) {
            out.putShort((short) h.length);
        } else {
            out.putInt(h.length);
        }
        return out.put(h).put(data).array();
    }
}
