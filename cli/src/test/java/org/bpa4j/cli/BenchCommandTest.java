package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code bpa4j bench}: the tsv contract and the refusals (the figures themselves belong in BENCHMARKS.md). */
class BenchCommandTest {
    @Test
    void tsvHasTheHeaderAndOneRowPerSizeAndBackend() {
        CliRun run = CliRun.of("bench", "--backend", "reference,auto", "--sizes", "12x3,20X5", "--warmup", "0",
                "--warmup-seconds", "0", "--format", "tsv").assertOk();
        List<String> lines = run.out().strip().lines().toList();
        assertEquals("backend\tn\td\tforward_ms\tforward_backward_ms", lines.get(0));
        assertEquals(5, lines.size(), run.out());
        String[] first = lines.get(1).split("\t");
        assertEquals(List.of("reference", "12", "3"), List.of(first[0], first[1], first[2]));
        assertEquals(List.of("20", "5"), List.of(lines.get(3).split("\t")[1], lines.get(3).split("\t")[2]));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            double forward = Double.parseDouble(cells[3]);
            double both = Double.parseDouble(cells[4]);
            assertTrue(forward > 0 && both > 0, line);
        }
    }

    @Test
    void batchesAndTextFormat() {
        CliRun run = CliRun.of("bench", "--backend", "reference", "--sizes", "8x2", "--batch", "3", "--warmup", "0",
                "--warmup-seconds", "0.05")
                .assertOk();
        assertTrue(run.out().contains("batch 3"), run.out());
        assertTrue(run.out().contains("forward+backward ms"), run.out());
    }

    @Test
    void bamTsvHasItsHeaderAndOneRowPerSizeAndBackend() {
        CliRun run = CliRun.of("bench", "--op", "bam", "--backend", "reference,auto", "--sizes", "6x4,9x3",
                "--large-crops", "2", "--local-crops", "1", "--warmup", "0", "--warmup-seconds", "0", "--format",
                "tsv").assertOk();
        List<String> lines = run.out().strip().lines().toList();
        assertEquals("backend\tB\td\tforward_ms\tforward_backward_ms", lines.get(0));
        assertEquals(5, lines.size(), run.out());
        assertEquals(List.of("reference", "6", "4"), List.of(lines.get(1).split("\t")).subList(0, 3));
        assertEquals(List.of("9", "3"), List.of(lines.get(3).split("\t")).subList(1, 3));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            assertTrue(Double.parseDouble(cells[3]) > 0 && Double.parseDouble(cells[4]) > 0, line);
        }
    }

    @Test
    void bamTextNamesTheCrops() {
        CliRun run = CliRun.of("bench", "--op", "bam", "--backend", "cpu", "--sizes", "8x5", "--local-crops", "2",
                "--warmup-seconds", "0", "--warmup-max-seconds", "0.2").assertOk();
        assertTrue(run.out().contains("2 large + 2 local crops"), run.out());
        assertTrue(run.out().contains("forward+backward ms"), run.out());
    }

    /** Settled timings are not enough while the JIT is still compiling: the warm-up waits for it to go idle. */
    @Test
    void warmUpWaitsForTheJitToGoIdle() {
        SteadyState.Workload busy = new SteadyState.Workload() {
            @Override
            public void forward() {
                spin();
            }

            @Override
            public void forwardBackward() {
                spin();
            }
        };
        SteadyState.Settings lenient = new SteadyState.Settings(0, 0, 30, 0.9);
        long[] reads = {0};
        // compiling (10 ms more at every read) until the 20th read, then idle
        int rounds = SteadyState.warmUp(busy, lenient, () -> Math.min(reads[0]++, 20) * 10);
        assertTrue(rounds >= 20 + SteadyState.WINDOW - 1, "stopped after " + rounds + " rounds, while compiling");
        assertTrue(rounds <= 20 + 2 * SteadyState.WINDOW, "went on " + rounds + " rounds after the JIT was idle");
        int unreported = SteadyState.warmUp(busy, lenient, () -> -1);
        assertTrue(unreported == 2 * SteadyState.WINDOW, "a JVM without compile times: timings alone, got "
                + unreported);
    }

    /** A few hundred microseconds of work whose result is used. */
    private static void spin() {
        double x = 1;
        for (int i = 0; i < 200_000; i++) {
            x = x * 1.0000001 + 1e-9;
        }
        if (x == 0) {
            throw new AssertionError("unreachable");
        }
    }

    /** The warm-up stops once the last five rounds' median is within the tolerance of the five before. */
    @Test
    void warmUpEndsWhenTheTimingsSettle() {
        double[] ring = new double[2 * SteadyState.WINDOW];
        double[] times = {9, 8, 7, 6, 5, 4.1, 4, 4, 4.05, 4};
        for (int i = 0; i < times.length; i++) {
            ring[i % ring.length] = times[i];
        }
        assertTrue(!SteadyState.settled(ring, 9, 0.03), "fewer than ten rounds never count as settled");
        assertTrue(!SteadyState.settled(ring, 10, 0.03), "median 6 before, 4 after: still falling");
        for (int i = 0; i < 5; i++) {
            ring[(10 + i) % ring.length] = 4.0 + 0.01 * i;
        }
        assertTrue(SteadyState.settled(ring, 15, 0.03), "4.02 against 4.0");
    }

    @Test
    void badSettingsAreRefused() {
        CliRun.of("bench", "--settle", "0").assertRefused("--settle");
        CliRun.of("bench", "--warmup-max-seconds", "-1").assertRefused("--warmup-max-seconds");
        CliRun.of("bench", "--op", "bam", "--batch", "2").assertRefused("--batch");
        CliRun.of("bench", "--op", "bam", "--local-crops", "-1").assertRefused("localCrops");
        CliRun.of("bench", "--sizes", "100").assertRefused("NxD");
        CliRun.of("bench", "--sizes", "10x2,100000x2").assertRefused("too many").assertNoOutput();
        CliRun.of("bench", "--sizes", "1x5").assertRefused("N >= 2");
        CliRun.of("bench", "--sizes", "axb").assertRefused("axb");
        CliRun.of("bench", "--runs", "3").assertRefused("--runs");
        CliRun.of("bench", "--batch", "0").assertRefused("--batch");
        CliRun.of("bench", "--warmup-seconds", "-2").assertRefused("--warmup-seconds");
        CliRun.of("bench", "--backend", "tpu").assertRefused("tpu");
        CliRun.of("bench", "--reg", "-1", "--sizes", "4x2").assertRefused("reg");
    }
}
