package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bpa4j fewshot} and {@code bpa4j demo} on the bundled digits and on a CSV of one's own. */
class FewShotCommandTest {
    @TempDir
    Path dir;

    /** method+shot → accuracy, from the tsv rows. */
    private static Map<String, Double> accuracies(CliRun run) {
        List<String> lines = run.out().strip().lines().toList();
        assertEquals("way\tshot\tmethod\taccuracy\tci95", lines.get(0));
        Map<String, Double> byKey = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split("\t");
            assertEquals(5, cells.length, line);
            double ci = Double.parseDouble(cells[4]);
            assertTrue(ci >= 0 && ci < 5, "ci95 " + ci + " in " + line);
            byKey.put(cells[2] + cells[1], Double.parseDouble(cells[3]));
        }
        return byKey;
    }

    @Test
    void bpaBeatsRawFeaturesOnTheBundledDigits() {
        CliRun run = CliRun.of("fewshot", "--episodes", "300", "--seed", "11", "--format", "tsv").assertOk();
        Map<String, Double> acc = accuracies(run);
        assertEquals(4, acc.size(), run.out());
        // the authors report 73.8 -> 76.6 (1-shot) and 89.6 -> 91.8 (5-shot) over 600 episodes
        assertTrue(acc.get("raw1") > 68 && acc.get("raw1") < 79, run.out());
        assertTrue(acc.get("raw5") > 86 && acc.get("raw5") < 93, run.out());
        assertTrue(acc.get("bpa1") > acc.get("raw1") + 1, run.out());
        assertTrue(acc.get("bpa5") > acc.get("raw5") + 1, run.out());
    }

    @Test
    void theSameSeedGivesTheSameNumbersWhateverTheBatch() {
        String a = CliRun.of("fewshot", "--episodes", "30", "--shots", "1", "--format", "tsv").assertOk().out();
        String b = CliRun.of("fewshot", "--episodes", "30", "--shots", "1", "--format", "tsv", "--batch", "7")
                .assertOk().out();
        assertEquals(a, b);
    }

    @Test
    void aCsvOfOnesOwnWithSeparatedClassesIsClassifiedPerfectly() throws IOException {
        StringBuilder csv = new StringBuilder("# three well separated classes\n");
        for (int label = 0; label < 3; label++) {
            for (int i = 0; i < 6; i++) {
                csv.append(label).append(',').append(10 * label + 0.1 * i).append(',').append(1 + 0.05 * i)
                        .append('\n');
            }
        }
        Path file = dir.resolve("mine.csv");
        Files.writeString(file, csv);
        CliRun run = CliRun.of("fewshot", "--data", file.toString(), "--way", "3", "--shots", "1,2",
                "--queries", "3", "--episodes", "20", "--format", "tsv", "--backend", "reference").assertOk();
        Map<String, Double> acc = accuracies(run);
        assertEquals(Map.of("raw1", 100.0, "bpa1", 100.0, "raw2", 100.0, "bpa2", 100.0), acc);
    }

    @Test
    void textOutputNamesTheDataAndBothMethods() {
        CliRun run = CliRun.of("fewshot", "--episodes", "20", "--shots", "1").assertOk();
        assertTrue(run.out().contains("bundled UCI digits"), run.out());
        assertTrue(run.out().contains("5-way 1-shot"), run.out());
        assertTrue(run.out().contains("raw") && run.out().contains("bpa"), run.out());
    }

    @Test
    void demoExplainsAndCompares() {
        CliRun run = CliRun.of("demo", "--episodes", "40").assertOk();
        assertTrue(run.out().contains("5-way 1-shot"), run.out());
        assertTrue(run.out().contains("5-way 5-shot"), run.out());
        assertTrue(run.out().contains("Prototypical Networks"), run.out());
        assertTrue(run.out().contains("40 episodes"), run.out());
    }

    @Test
    void badSettingsAreRefused() throws IOException {
        CliRun.of("fewshot", "--way", "11", "--episodes", "5").assertRefused("classes").assertNoOutput();
        CliRun.of("fewshot", "--data", dir.toString()).assertRefused("folder");
        CliRun.of("fewshot", "--shots", "0", "--episodes", "5").assertRefused("shot");
        CliRun.of("fewshot", "--shots", "1,x").assertRefused("x");
        CliRun.of("fewshot", "--queries", "200", "--episodes", "5").assertRefused("200");
        CliRun.of("fewshot", "--episodes", "0").assertRefused("--episodes");
        CliRun.of("fewshot", "--format", "json").assertRefused("json");
        CliRun.of("fewshot", "--data", dir.resolve("none.csv").toString()).assertRefused("none.csv");
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "0,1,2\n1,3\n");
        CliRun.of("fewshot", "--data", bad.toString()).assertRefused("line 2");
        CliRun.of("demo", "--episodes", "-1").assertRefused("--episodes");
    }
}
