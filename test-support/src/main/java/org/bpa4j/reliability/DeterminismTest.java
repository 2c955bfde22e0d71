package org.bpa4j.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.bpa4j.Device;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 6, item 6: the same input gives bit-identical outputs and gradients across runs (fresh JVMs) and
 * thread counts ({@code -Dbpa4j.threads}) — BPA of a 300-row set (split over threads by rows) and of a
 * batch (split by sets), Sinkhorn stopping on a tolerance, and the BAM loss. The CUDA backend is held to
 * run-to-run equality on the same GPU only (docs/RELIABILITY.md says why).
 */
public class DeterminismTest {

    static List<Device> devices() {
        return AvailableDevices.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("devices")
    void resultsAreBitIdenticalAcrossRunsAndThreadCounts(Device device) {
        String first = null;
        String firstFlags = null;
        // the reference backend is single-threaded: two runs suffice there
        String[] counts = device == Device.REFERENCE ? new String[] {"1", "3"} : new String[] {"1", "2", "5"};
        for (String threads : counts) {
            List<String> flags = List.of("-Xmx512m", "-Dbpa4j.threads=" + threads);
            ForkedJvm.Outcome o = ForkedJvm.run(flags, DeterminismProbe.class, device.label());
            assertEquals(0, o.exitCode(), o.output());
            String hashes = o.output().lines().filter(l -> l.matches("[a-z-]+ [0-9a-f]{64}"))
                    .reduce("", (a, b) -> a + b + "\n");
            assertEquals(5, hashes.lines().count(), o.output());
            if (first == null) {
                first = hashes;
                firstFlags = flags.toString();
            } else {
                assertEquals(first, hashes, device + ": " + flags + " differs from " + firstFlags);
            }
        }
        assertTrue(first != null);
    }
}
