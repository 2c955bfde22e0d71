package org.bpa4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.bpa4j.fewshot.BundledDigits;
import org.bpa4j.fewshot.LabeledData;
import org.junit.jupiter.api.Test;

/** The split, the augmentations and the k-NN rule the trainers are built from. */
class TrainingPartsTest {
    @Test
    void theSplitIsSeededDisjointAndComplete() throws Exception {
        DigitsSplit a = DigitsSplit.of(1);
        DigitsSplit b = DigitsSplit.of(1);
        assertEquals(1000, a.train().size());
        assertEquals(797, a.heldOut().size());
        float[] x = new float[64];
        float[] y = new float[64];
        for (int i = 0; i < 1000; i += 97) {
            a.train().copyFeatures(i, x, 0);
            b.train().copyFeatures(i, y, 0);
            assertArrayEquals(x, y);
        }
        // every image lands on exactly one side: the multisets of (label, pixels) agree
        java.util.Map<String, Integer> counts = new java.util.HashMap<>();
        LabeledData digits = BundledDigits.load();
        for (int i = 0; i < digits.size(); i++) {
            digits.copyFeatures(i, x, 0);
            counts.merge(digits.label(i) + java.util.Arrays.toString(x), 1, Integer::sum);
        }
        for (LabeledData side : java.util.List.of(a.train(), a.heldOut())) {
            for (int i = 0; i < side.size(); i++) {
                side.copyFeatures(i, x, 0);
                counts.merge(side.label(i) + java.util.Arrays.toString(x), -1, Integer::sum);
            }
        }
        assertTrue(counts.values().stream().allMatch(c -> c == 0), "train + held-out = all digits");
        DigitsSplit other = DigitsSplit.of(2);
        boolean differs = false;
        for (int i = 0; i < 20 && !differs; i++) {
            a.train().copyFeatures(i, x, 0);
            other.train().copyFeatures(i, y, 0);
            differs = !java.util.Arrays.equals(x, y);
        }
        assertTrue(differs, "another seed gives another split");
    }

    @Test
    void viewsShiftByAtMostOnePixelAndAddNoise() {
        float[] pixels = new float[64];
        pixels[3 * 8 + 4] = 16; // one bright pixel at (3, 4)
        LabeledData data = LabeledData.of(concat(pixels, new float[64]), new int[] {0, 1}, 64);
        DigitViews views = DigitViews.fittedTo(data);
        double[] clean = new double[64];
        views.standardise(pixels, clean, 0);
        SplittableRandom random = new SplittableRandom(3);
        double[] view = new double[64];
        int farFromThePixel = 0;
        for (int trial = 0; trial < 200; trial++) {
            views.augment(pixels, random, view, 0);
            // the bright pixel (standardised to +1) can only move to a neighbour of (3, 4)
            int brightest = 0;
            for (int j = 1; j < 64; j++) {
                if (view[j] > view[brightest]) {
                    brightest = j;
                }
            }
            int dy = Math.abs(brightest / 8 - 3);
            int dx = Math.abs(brightest % 8 - 4);
            if (dy > 1 || dx > 1) {
                farFromThePixel++;
            }
        }
        // noise σ 0.3 on 64 pixels can rarely beat a shifted +1 that was dropped (10%): allow a few
        assertTrue(farFromThePixel < 40, farFromThePixel + " of 200 views lost the pixel's neighbourhood");
    }

    @Test
    void nearestNeighboursVoteByCosine() {
        // memory: class 0 along x, class 1 along y; queries near each axis, at any scale
        double[] memory = {1, 0, 2, 0.1, 3, -0.1, 0, 1, 0.1, 2, -0.1, 5};
        int[] memoryLabels = {0, 0, 0, 1, 1, 1};
        double[] queries = {10, 1, 0.2, 3};
        assertEquals(1.0, NearestNeighbours.accuracy(memory, memoryLabels, queries, new int[] {0, 1}, 2, 3));
        assertEquals(0.5, NearestNeighbours.accuracy(memory, memoryLabels, queries, new int[] {0, 0}, 2, 3));
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = new float[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
