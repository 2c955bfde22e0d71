package org.bpa4j.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.bpa4j.Bpa;
import org.bpa4j.Device;
import org.bpa4j.Tensor;
import org.junit.jupiter.api.Test;

class FewShotClassifierTest {
    private static final Bpa REFERENCE_BPA = Bpa.builder().device(Device.REFERENCE).build();

    @Test
    void nearestMeanAndSoftmaxOfMinusSquaredDistance() {
        // class 7 at 0 and 1 (mean 0.5), class -3 at 4; query 1.5: d² = 1 and 6.25
        Tensor support = Tensor.of(new double[] {0, 4, 1}, 3, 1);
        Tensor query = Tensor.of(new double[] {1.5, 3.9}, 2, 1);
        Predictions p = FewShotClassifier.onFeatures().classify(support, new int[] {7, -3, 7}, query);
        assertArrayEquals(new int[] {-3, 7}, p.classes());
        assertArrayEquals(new int[] {7, -3}, p.labels());
        double expected7 = 1 / (1 + Math.exp(1 - 6.25));
        assertEquals(expected7, p.probability(0, 1), 1e-12);
        assertEquals(1 - expected7, p.probability(0, 0), 1e-12);
        assertEquals(1.0, p.accuracy(new int[] {7, -3}));
        assertEquals(0.5, p.accuracy(new int[] {7, 7}));
    }

    /** Three tight clusters in 6 dimensions, `shot` support and `queries` query items each. */
    private static Tensor[] clusters(int shot, int queries, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int d = 6;
        double[] s = new double[3 * shot * d];
        double[] q = new double[3 * queries * d];
        int[] labels = new int[3 * shot];
        for (int i = 0; i < 3 * shot; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < d; j++) {
                s[i * d + j] = (j % 3 == i % 3 ? 5 : 0) + 0.3 * r.nextGaussian();
            }
        }
        for (int i = 0; i < 3 * queries; i++) {
            for (int j = 0; j < d; j++) {
                q[i * d + j] = (j % 3 == i % 3 ? 5 : 0) + 0.3 * r.nextGaussian();
            }
        }
        return new Tensor[] {Tensor.of(s, 3 * shot, d), Tensor.of(q, 3 * queries, d)};
    }

    @Test
    void separatedClustersAreClassifiedPerfectlyWithAndWithoutBpa() {
        Tensor[] c = clusters(2, 4, 5);
        int[] supportLabels = {0, 1, 2, 0, 1, 2};
        int[] truth = {0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2};
        for (FewShotClassifier classifier : List.of(FewShotClassifier.onFeatures(),
                FewShotClassifier.throughBpa(REFERENCE_BPA))) {
            Predictions p = classifier.classify(c[0], supportLabels, c[1]);
            assertEquals(1.0, p.accuracy(truth));
            for (int i = 0; i < p.queries(); i++) {
                double[] probs = p.probabilities(i);
                assertEquals(1.0, probs[0] + probs[1] + probs[2], 1e-12);
                assertTrue(probs[p.label(i)] > 1.0 / 3, "the predicted class is the most probable");
            }
        }
    }

    @Test
    void aBatchGivesWhatEachSetGivesAlone() {
        int[] supportLabels = {0, 1, 2};
        double[] batch = new double[2 * 9 * 6];
        Tensor[] sets = new Tensor[2];
        for (int b = 0; b < 2; b++) {
            Tensor[] c = clusters(1, 2, 10 + b);
            double[] one = new double[9 * 6];
            System.arraycopy(c[0].toDoubleArray(), 0, one, 0, 3 * 6);
            System.arraycopy(c[1].toDoubleArray(), 0, one, 3 * 6, 6 * 6);
            System.arraycopy(one, 0, batch, b * 9 * 6, 9 * 6);
            sets[b] = Tensor.of(one, 9, 6);
        }
        FewShotClassifier classifier = FewShotClassifier.throughBpa(REFERENCE_BPA);
        List<Predictions> together = classifier.classifySets(Tensor.of(batch, 2, 9, 6), supportLabels);
        for (int b = 0; b < 2; b++) {
            Predictions alone = classifier.classifySets(sets[b], supportLabels).get(0);
            assertArrayEquals(alone.labels(), together.get(b).labels());
            for (int i = 0; i < alone.queries(); i++) {
                assertArrayEquals(alone.probabilities(i), together.get(b).probabilities(i), 1e-12);
            }
        }
    }

    @Test
    void bpaUsesTheSupportLabels() {
        // two classes whose support items sit close together: only the labels keep them apart
        Tensor support = Tensor.of(new double[] {1, 0.1, 1, 0.12, 0.1, 1, 0.12, 1}, 4, 2);
        Tensor query = Tensor.of(new double[] {1, 0.11, 0.11, 1}, 2, 2);
        Predictions p = FewShotClassifier.throughBpa(REFERENCE_BPA).classify(support, new int[] {4, 9, 9, 4}, query);
        assertArrayEquals(new int[] {4, 9}, p.classes());
        assertEquals(2, p.queries());
        for (int i = 0; i < 2; i++) {
            assertEquals(1.0, p.probability(i, 0) + p.probability(i, 1), 1e-12);
        }
    }

    @Test
    void refusesBadInput() {
        FewShotClassifier raw = FewShotClassifier.onFeatures();
        Tensor s = Tensor.of(new double[4], 2, 2);
        assertMessage("features", () -> raw.classify(s, new int[] {0, 1}, Tensor.of(new double[3], 1, 3)));
        assertMessage("2 support labels", () -> raw.classifySets(s, new int[] {0, 1}));
        assertMessage("NaN", () -> raw.classify(s, new int[] {0, 1}, Tensor.of(new double[] {Double.NaN, 0}, 1, 2)));
        assertMessage("null", () -> FewShotClassifier.throughBpa(null));
        assertMessage("2-D", () -> raw.classify(Tensor.of(new double[2], 2), new int[] {0, 1}, s));
    }

    private static void assertMessage(String fragment, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }
}
