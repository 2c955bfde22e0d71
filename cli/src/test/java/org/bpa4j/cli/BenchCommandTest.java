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
    void badSettingsAreRefused() {
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
