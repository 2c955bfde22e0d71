package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.fewshot.EpisodeShape;
import org.junit.jupiter.api.Test;

/** Short runs of the two trainers: the loss falls, the report has every number, bad options are refused. */
class TrainCommandsTest {
    private static final Pattern PERCENT = Pattern.compile("(\\d+\\.\\d+)% ± ");
    private static final Pattern EPOCH = Pattern.compile("epoch +\\d+ +loss (\\d+\\.\\d+)");

    @Test
    void fewShotTrainingLowersTheEpisodeLoss() throws Exception {
        DigitsSplit split = DigitsSplit.of(1);
        List<Double> losses = new ArrayList<>();
        FewShotTraining.train(split.train(), new EpisodeShape(5, 5, 15), 120, 1e-3,
                Bpa.builder().device(Device.CPU).build(), 1, (done, loss, accuracy) -> losses.add(loss));
        assertEquals(120, losses.size());
        double first = losses.subList(0, 40).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double last = losses.subList(80, 120).stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(last < 0.8 * first, "mean loss of the first 40 episodes " + first + ", of the last 40 " + last);
    }

    @Test
    void trainFewShotReportsFourAccuraciesPerShotAndTrainingHelpsBpa() {
        BamCommandTest.Run run = BamCommandTest.bpa4j("train-fewshot", "--episodes", "150", "--eval-episodes", "100",
                "--backend", "cpu");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.err().contains("train [") && run.err().contains("150/150"), "progress bar: " + run.err());
        double[][] table = new double[2][];
        for (String line : run.out().lines().toList()) {
            String t = line.strip();
            int row = t.startsWith("1-shot") ? 0 : t.startsWith("5-shot") ? 1 : -1;
            if (row >= 0) {
                Matcher m = PERCENT.matcher(t);
                List<Double> values = new ArrayList<>();
                while (m.find()) {
                    values.add(Double.parseDouble(m.group(1)));
                }
                assertEquals(4, values.size(), t);
                table[row] = values.stream().mapToDouble(Double::doubleValue).toArray();
            }
        }
        for (int row = 0; row < 2; row++) {
            assertTrue(table[row] != null, "a row for each shot in: " + run.out());
            // columns: raw, raw+BPA, trained, trained+BPA
            assertTrue(table[row][1] > table[row][0], "BPA helps raw features: " + run.out());
            assertTrue(table[row][3] > table[row][1], "training through BPA helps: " + run.out());
        }
    }

    @Test
    void trainBamPrintsAFallingLossAndTheThreeAccuracies() {
        BamCommandTest.Run run = BamCommandTest.bpa4j("train-bam", "--epochs", "12", "--eval-every", "6",
                "--backend", "cpu");
        assertEquals(0, run.code(), run.err());
        List<Double> losses = new ArrayList<>();
        Matcher m = EPOCH.matcher(run.out());
        while (m.find()) {
            losses.add(Double.parseDouble(m.group(1)));
        }
        assertEquals(12, losses.size(), run.out());
        assertTrue(losses.get(11) < losses.get(0) - 0.3, "loss falls: " + losses);
        assertTrue(run.out().contains("20-NN "), "an accuracy at epoch 6: " + run.out());
        for (String row : List.of("raw pixels (standardised)", "network at initialisation", "network trained with BAM")) {
            assertTrue(Pattern.compile(Pattern.quote(row) + " +\\d+\\.\\d+%").matcher(run.out()).find(),
                    row + " in: " + run.out());
        }
    }

    @Test
    void badOptionsAreRefused() {
        refused(BamCommandTest.bpa4j("train-fewshot", "--episodes", "0"), "--episodes");
        refused(BamCommandTest.bpa4j("train-fewshot", "--lr", "-1"), "--lr");
        refused(BamCommandTest.bpa4j("train-bam", "--batch", "1"), "--batch");
        refused(BamCommandTest.bpa4j("train-bam", "--reg", "0"), "reg");
        refused(BamCommandTest.bpa4j("train-bam", "--epochs", "0"), "--epochs");
    }

    private static void refused(BamCommandTest.Run run, String fragment) {
        assertEquals(2, run.code(), run.out() + run.err());
        assertEquals(1, run.err().strip().lines().count(), run.err());
        assertTrue(run.err().contains(fragment), run.err());
    }
}
