package org.bpa4j.fewshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.SplittableRandom;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.junit.jupiter.api.Test;

class EpisodeEvaluationTest {
    private static final Bpa REFERENCE_BPA = Bpa.builder().device(Device.REFERENCE).build();

    @Test
    void accuracyIsTheMeanAndCi95UsesThePopulationStd() {
        EpisodeEvaluation.Accuracy a = EpisodeEvaluation.summarize(new double[] {1, 0, 0.5, 0.5});
        assertEquals(50.0, a.percent(), 1e-12);
        // std = sqrt((0.25 + 0.25 + 0 + 0) / 4) = sqrt(0.125)
        assertEquals(100 * 1.96 * Math.sqrt(0.125) / 2, a.ci95(), 1e-12);
    }

    /** Four noisy classes in 5 dimensions. */
    private static LabeledData noisy(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int n = 4 * 20;
        float[] f = new float[n * 5];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 4;
            for (int j = 0; j < 5; j++) {
                f[i * 5 + j] = (float) ((j == y[i] ? 1.5 : 0) + r.nextGaussian());
            }
        }
        return LabeledData.of(f, y, 5);
    }

    @Test
    void theBatchSizeDoesNotChangeTheResult() {
        LabeledData data = noisy(3);
        EpisodeShape shape = new EpisodeShape(3, 2, 4);
        EpisodeEvaluation.Comparison one = EpisodeEvaluation.compare(data, shape, 23, 9, REFERENCE_BPA, 1);
        EpisodeEvaluation.Comparison many = EpisodeEvaluation.compare(data, shape, 23, 9, REFERENCE_BPA, 10);
        assertEquals(one, many);
        assertEquals(23, one.episodes());
        assertEquals(one.bpa().percent() - one.raw().percent(), one.gain(), 1e-12);
    }

    @Test
    void rawAccuracyMatchesEpisodesClassifiedOneByOne() {
        LabeledData data = noisy(4);
        EpisodeShape shape = new EpisodeShape(4, 1, 3);
        EpisodeSampler sampler = new EpisodeSampler(data, shape, 5);
        double sum = 0;
        int episodes = 12;
        int[] truth = new int[12];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = i % 4;
        }
        for (int e = 0; e < episodes; e++) {
            float[] rows = sampler.next().features();
            org.bpa4j.Tensor set = org.bpa4j.Tensor.of(rows, shape.rows(), 5);
            sum += FewShotClassifier.onFeatures().classifySets(set, shape.supportLabels()).get(0).accuracy(truth);
        }
        EpisodeEvaluation.Comparison c = EpisodeEvaluation.compare(data, shape, episodes, 5, REFERENCE_BPA);
        assertEquals(100 * sum / episodes, c.raw().percent(), 1e-9);
    }

    @Test
    void episodeRangesComputedApartSummarizeToTheWholeRun() {
        LabeledData data = noisy(6);
        EpisodeShape shape = new EpisodeShape(3, 1, 4);
        EpisodeEvaluation.Comparison whole = EpisodeEvaluation.compare(data, shape, 17, 8, REFERENCE_BPA, 5);
        EpisodeEvaluation.EpisodeAccuracies a = EpisodeEvaluation.accuracies(data, shape, 8, 0, 6, REFERENCE_BPA, 4);
        EpisodeEvaluation.EpisodeAccuracies b = EpisodeEvaluation.accuracies(data, shape, 8, 6, 11, REFERENCE_BPA, 3);
        double[] raw = new double[17];
        double[] bpa = new double[17];
        System.arraycopy(a.raw(), 0, raw, 0, 6);
        System.arraycopy(b.raw(), 0, raw, 6, 11);
        System.arraycopy(a.bpa(), 0, bpa, 0, 6);
        System.arraycopy(b.bpa(), 0, bpa, 6, 11);
        assertEquals(whole, EpisodeEvaluation.summarize(shape, new EpisodeEvaluation.EpisodeAccuracies(raw, bpa)));
    }

    @Test
    void skippingEpisodesLandsWhereDrawingThemWould() {
        LabeledData data = noisy(7);
        EpisodeShape shape = new EpisodeShape(4, 2, 3);
        EpisodeSampler drawn = new EpisodeSampler(data, shape, 12);
        for (int e = 0; e < 5; e++) {
            drawn.next();
        }
        EpisodeSampler skipped = new EpisodeSampler(data, shape, 12);
        skipped.skip(5);
        EpisodeSampler.Episode x = drawn.next();
        EpisodeSampler.Episode y = skipped.next();
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.features(), y.features());
        org.junit.jupiter.api.Assertions.assertArrayEquals(x.classes(), y.classes());
        assertThrows(IllegalArgumentException.class, () -> skipped.skip(-1));
    }

    @Test
    void refusesBadSettings() {
        LabeledData data = noisy(1);
        EpisodeShape shape = new EpisodeShape(2, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> EpisodeEvaluation.compare(data, shape, 0, 1, REFERENCE_BPA));
        assertThrows(IllegalArgumentException.class,
                () -> EpisodeEvaluation.compare(data, shape, 5, 1, REFERENCE_BPA, 0));
        assertThrows(IllegalArgumentException.class, () -> EpisodeEvaluation.compare(data, shape, 5, 1, null));
    }
}
