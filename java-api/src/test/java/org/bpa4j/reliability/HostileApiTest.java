package org.bpa4j.reliability;

import static org.bpa4j.reliability.BadInputTest.assertNamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bpa4j.BamLoss;
import org.bpa4j.BamResult;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Sinkhorn;
import org.bpa4j.SinkhornResult;
import org.bpa4j.Tensor;
import org.bpa4j.fewshot.FewShotClassifier;
import org.bpa4j.io.Npy;
import org.bpa4j.io.NpyFormatException;
import org.bpa4j.reference.ReferenceBackend;
import org.bpa4j.spi.Backend;
import org.bpa4j.spi.MemoryNeed;
import org.bpa4j.spi.Workload;
import org.bpa4j.testing.RandomTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and careless use of the API (docs/RELIABILITY.md, "Hostile and careless use"): unchecked
 * indices, labels that do not match, scales that overflow, options whose sums overflow, .npy files NumPy
 * refuses, and the backends' own memory estimates behind the SPI.
 */
class HostileApiTest {
    @Test
    void tensorIndicesAreCheckedPerAxis() {
        Tensor t = Tensor.zeros(DType.FLOAT64, 2, 3);
        t.setDouble(5, 7);
        assertEquals(7, t.get(1, 2));
        assertNamed(assertThrows(InvalidInputException.class, () -> t.get(0, 5)), "(0, 5)", "(2, 3)");
        assertNamed(assertThrows(InvalidInputException.class, () -> t.get(2, 0)), "(2, 0)");
        assertNamed(assertThrows(InvalidInputException.class, () -> t.get(-1, 0)), "(-1, 0)");
        Tensor batch = Tensor.zeros(DType.FLOAT64, 2, 2, 2);
        assertNamed(assertThrows(InvalidInputException.class, () -> batch.get(0, 0)), "2-D", "(2, 2, 2)");
        assertNamed(assertThrows(InvalidInputException.class, () -> Tensor.zeros(DType.FLOAT32, 2147483647,
                2147483647, 2147483647)), "2^63");
    }

    @Test
    void fewShotClassifyNeedsOneLabelPerSupportRow() {
        Tensor support = RandomTensors.gaussian(1, 6, 3);
        Tensor query = RandomTensors.gaussian(2, 4, 3);
        FewShotClassifier c = FewShotClassifier.onFeatures();
        assertNamed(assertThrows(InvalidInputException.class,
                () -> c.classify(support, new int[] {0, 0, 1, 1}, query)), "4 support labels", "6 support rows");
        assertNamed(assertThrows(InvalidInputException.class,
                () -> c.classify(support, new int[] {0, 0, 1, 1, 2, 2, 2}, query)), "7 support labels");
        assertEquals(4, c.classify(support, new int[] {0, 0, 1, 1, 2, 2}, query).queries());
    }

    @Test
    void bamGradientsThatOverflowAreRefusedNeverNaNOrInf() {
        Tensor z = RandomTensors.gaussian(4, 8, 4);
        // a low temperature: gradient elements well above 1, so a finite scale can take them past Double.MAX_VALUE
        BamResult r = BamLoss.builder().largeCrops(2).localCrops(0).temperature(0.01).device(Device.REFERENCE).build()
                .forward(z);
        assertTrue(Double.isFinite(r.loss()));
        double largest = 0;
        Tensor unit = r.backward(1.0);
        for (long i = 0; i < unit.size(); i++) {
            largest = Math.max(largest, Math.abs(unit.getDouble(i)));
        }
        // a scale that takes the largest element of the gradient past Double.MAX_VALUE
        assertTrue(largest > 2, "largest element " + largest);
        double scale = Double.MAX_VALUE / largest * 2;
        assertNamed(assertThrows(InvalidInputException.class, () -> r.backward(scale)), "BamResult.backward",
                "gradient", "scale");
        Tensor g = r.backward(2.0);
        for (long i = 0; i < g.size(); i++) {
            assertTrue(Double.isFinite(g.getDouble(i)));
        }
    }

    @Test
    void optionsWhoseSumsOverflowGetTrueFiguresAndUnboundedIterationsAreCapped() {
        assertNamed(assertThrows(InvalidInputException.class, () -> BamLoss.builder().largeCrops(Integer.MAX_VALUE)
                .localCrops(Integer.MAX_VALUE).build()), "4294967294");
        assertNamed(assertThrows(InvalidInputException.class, () -> BamLoss.builder().iterations(Integer.MAX_VALUE)),
                "iterations", "100000");
    }

    /** A version 1.0 .npy file with the given header dict text and data. */
    private static byte[] npy(String dict, int dataBytes) {
        String text = dict + " ".repeat(Math.max(0, 63 - (10 + dict.length()) % 64)) + "\n";
        byte[] h = text.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) h.length).put(h);
        return b.array();
    }

    @Test
    void theNpyReaderIsAsStrictAsNumPy() {
        String ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
        assertEquals(3, Npy.parse(npy(ok, 12), "ok.npy").size());
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(npy(ok + " junk", 12), "j.npy")),
                "j.npy", "junk after the header");
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(npy(ok + "{}", 12), "j.npy")), "junk");
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(npy(
                "{'descr': '<f+4', 'fortran_order': False, 'shape': (3,), }", 12), "d.npy")), "'<f+4'",
                "not supported");
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(npy(
                "{'descr': '<f 4', 'fortran_order': False, 'shape': (3,), }", 12), "d.npy")), "not supported");
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.parse(npy(
                "{'descr': '<f4', 'fortran_order': False, 'shape': (3), }", 12), "s.npy")), "(n,)");
    }

    @Test
    void nonRegularInputFilesAreRefusedAtOnce(@TempDir Path dir) throws Exception {
        Path fifo = dir.resolve("in.npy");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.abort("needs mkfifo");
            return;
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0 && Files.exists(fifo), "needs mkfifo");
        assertNamed(assertThrows(NpyFormatException.class, () -> Npy.read(fifo)), "in.npy", "not a regular file");
    }

    @Test
    void eachBackendEstimatesItsOwnMemoryBehindTheSpi() {
        Backend reference = new ReferenceBackend();
        MemoryNeed small = reference.memory(new Workload.BpaForward(1, 100, 4, 10,
                org.bpa4j.Metric.COSINE, DType.FLOAT64, true));
        MemoryNeed large = reference.memory(new Workload.BpaForward(1, 1000, 4, 10,
                org.bpa4j.Metric.COSINE, DType.FLOAT64, true));
        // float64 n×n matrices: about 100 times more for 10 times the rows
        assertTrue(large.heapBytes() > 90 * small.heapBytes(), small + " " + large);
        assertEquals(1000L * 1000, large.largestArray());
        // sizes past 2^63 saturate, they never wrap to a negative figure
        MemoryNeed huge = reference.memory(new Workload.SinkhornForward(Integer.MAX_VALUE, Integer.MAX_VALUE,
                Integer.MAX_VALUE, Integer.MAX_VALUE, DType.FLOAT64));
        assertTrue(huge.heapBytes() > 0 && huge.largestArray() > 0, huge.toString());
        Backend bare = new Backend() {
            @Override
            public Device device() {
                return Device.REFERENCE;
            }

            @Override
            public org.bpa4j.spi.Availability availability() {
                return org.bpa4j.spi.Availability.yes("test");
            }

            @Override
            public org.bpa4j.spi.BpaPass bpa(org.bpa4j.spi.BpaOptions o, Tensor x, int[][] labels) {
                throw new UnsupportedOperationException();
            }

            @Override
            public org.bpa4j.spi.SinkhornPass sinkhorn(org.bpa4j.spi.SinkhornOptions o, Tensor c, Tensor a,
                    Tensor b) {
                throw new UnsupportedOperationException();
            }
        };
        assertEquals(MemoryNeed.NONE, bare.memory(new Workload.BpaBackward(1, 10, 2, DType.FLOAT32)));
    }

    /**
     * Unit marginals are the default only where they balance (docs/MATH.md §1): a square cost is solved with
     * them, a non-square one with explicit marginals of one total; what is refused is in {@code BadInputTest}.
     */
    @Test
    void unitMarginalsSolveASquareCostAndANonSquareOneTakesBalancedMarginals() {
        Sinkhorn sk = Sinkhorn.builder().device(Device.REFERENCE).reg(1).iterations(10_000).tolerance(1e-12).build();
        SinkhornResult square = sk.solve(RandomTensors.gaussian(4, 4, 4));
        Tensor plan = square.plan();
        for (int i = 0; i < 4; i++) {
            double row = 0;
            for (int j = 0; j < 4; j++) {
                row += plan.get(i, j);
            }
            assertEquals(1.0, row, 1e-9, "row " + i + " of the unit-marginal plan");
        }
        Tensor a = Tensor.of(new double[] {0.2, 0.2, 0.2, 0.2, 0.2}, 5);
        Tensor b = Tensor.of(new double[] {0.25, 0.25, 0.25, 0.25}, 4);
        SinkhornResult rectangular = sk.solve(RandomTensors.gaussian(5, 5, 4), a, b);
        assertEquals(List.of(5, 4), java.util.Arrays.stream(rectangular.plan().shape()).boxed().toList());
        assertTrue(rectangular.marginalError() < 1e-9, "error " + rectangular.marginalError());
        assertNamed(assertThrows(InvalidInputException.class, () -> sk.solve(RandomTensors.gaussian(5, 5, 4))),
                "Sinkhorn.solve", "Σa = 5.0", "Σb = 4.0");
    }
}
