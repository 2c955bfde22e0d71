package org.bpa4j.reliability;

import static org.bpa4j.reliability.BadInputTest.assertNamed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;
import org.bpa4j.Sinkhorn;
import org.bpa4j.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 2: a request whose size the library can predict is refused before anything is allocated,
 * with the bytes it needs — in this JVM, and in fresh JVMs with small heaps where an OutOfMemoryError
 * would otherwise end the process ({@link MemoryProbe} reports how each request ended).
 */
public class MemoryLimitTest {

    static List<Device> devices() {
        return AvailableDevices.all();
    }

    /** n = 60000: 3.6·10⁹ entries per n×n matrix, tens of GiB in any precision. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void sixtyThousandRowsAreRefusedWithTheFigure(Device device) {
        Tensor x = Tensor.zeros(DType.FLOAT32, 60_000, 4);
        for (Metric metric : Metric.values()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Bpa.builder().device(device).metric(metric).build().forward(x));
            assertNamed(e, "Bpa.forward", "n = 60000", "needs about", "bytes", "GiB");
        }
        Tensor batch = Tensor.zeros(DType.FLOAT32, 10_000, 1_000, 2);
        assertNamed(assertThrows(IllegalArgumentException.class,
                () -> Bpa.builder().device(device).build().forward(batch)), "10000 sets", "n = 1000", "needs about");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void smallHeapsRefuseWhatCannotFitAndRunWhatCan(Device device) {
        List<String> small = List.of("-Xmx64m");
        String on = device.label();
        assertRefused(ForkedJvm.run(small, MemoryProbe.class, "bpa", on, "1", "60000", "4"), "n = 60000", "-xmx");
        assertRefused(ForkedJvm.run(small, MemoryProbe.class, "bpa", on, "1", "5000", "8"), "n = 5000", "heap");
        assertRefused(ForkedJvm.run(small, MemoryProbe.class, "bpa", on, "400", "400", "8"), "400 sets", "heap");
        assertRefused(ForkedJvm.run(List.of("-Xmx96m"), MemoryProbe.class, "sinkhorn", on, "4000"), "4000×4000",
                "heap");
        assertDone(ForkedJvm.run(small, MemoryProbe.class, "bpa", on, "1", "300", "8"));
        assertDone(ForkedJvm.run(small, MemoryProbe.class, "bpa", on, "20", "64", "8"));
    }

    /** An output too large for a Java array lives off the heap; the off-heap limit is checked as well. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void outputsOffTheHeapAreCheckedAgainstTheOffHeapLimit(Device device) {
        ForkedJvm.Outcome o = ForkedJvm.run(List.of("-Xmx64g", "-XX:MaxDirectMemorySize=16m"), MemoryProbe.class,
                "bpa", device.label(), "2", "33000", "1");
        // a backend that keeps float64 n×n matrices may run out of heap first; either refusal names the figure
        assertRefused(o, "2 sets", "n = 33000", "needs about");
        if (device != Device.REFERENCE) {
            assertRefused(o, "off the heap", "MaxDirectMemorySize");
        }
    }

    /** The estimate counts the cap on iterations for the duals a backend keeps. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void sinkhornCountsTheDualsOfEveryIteration(Device device) {
        Tensor cost = Tensor.zeros(DType.FLOAT32, 100, 100);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Sinkhorn.builder()
                .device(device).iterations(500_000_000).tolerance(1e-9).build().solve(cost));
        assertNamed(e, "Sinkhorn.solve", "100×100", "needs about");
    }

    static void assertDone(ForkedJvm.Outcome o) {
        assertEquals("DONE", MemoryProbe.lastLine(o.output()), o.output());
    }

    static void assertRefused(ForkedJvm.Outcome o, String... words) {
        String line = MemoryProbe.lastLine(o.output());
        assertEquals(0, o.exitCode(), o.output());
        assertTrue(line.startsWith("REFUSED "), "expected a refusal, got: " + o.output());
        assertTrue(!o.output().contains("OutOfMemoryError"), o.output());
        assertNamed(new IllegalArgumentException(line), words);
    }
}
