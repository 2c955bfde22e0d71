package org.bpa4j.fewshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class EpisodeSamplerTest {
    /** Item i has features (i, label): rows can be traced back to their item. */
    private static LabeledData traceable(int classes, int perClass) {
        int n = classes * perClass;
        float[] f = new float[2 * n];
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = 10 + i % classes;
            f[2 * i] = i;
            f[2 * i + 1] = y[i];
        }
        return LabeledData.of(f, y, 2);
    }

    @Test
    void rowsComeInBlocksOfOneItemPerClassSupportFirst() {
        LabeledData data = traceable(8, 12);
        EpisodeShape shape = new EpisodeShape(5, 3, 4);
        EpisodeSampler sampler = new EpisodeSampler(data, shape, 7);
        for (int e = 0; e < 20; e++) {
            EpisodeSampler.Episode episode = sampler.next();
            int[] classes = episode.classes();
            assertEquals(5, Arrays.stream(classes).distinct().count(), "distinct classes");
            Set<Integer> items = new HashSet<>();
            for (int r = 0; r < shape.rows(); r++) {
                int item = (int) episode.features()[2 * r];
                int label = (int) episode.features()[2 * r + 1];
                assertEquals(classes[r % 5], label, "row " + r + " belongs to class c" + (r % 5));
                assertEquals(data.label(item), label);
                assertTrue(items.add(item), "item " + item + " appears twice");
            }
        }
    }

    @Test
    void supportLabelsAreTheClassIndicesInBlockOrder() {
        EpisodeShape shape = new EpisodeShape(3, 2, 1);
        assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, shape.supportLabels());
        assertEquals(6, shape.supportRows());
        assertEquals(9, shape.rows());
        assertEquals(2, shape.classOfRow(8));
    }

    @Test
    void theSeedDecidesTheEpisodes() {
        LabeledData data = traceable(6, 10);
        EpisodeShape shape = new EpisodeShape(4, 1, 3);
        float[] a = new EpisodeSampler(data, shape, 1).next().features();
        float[] b = new EpisodeSampler(data, shape, 1).next().features();
        float[] c = new EpisodeSampler(data, shape, 2).next().features();
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void everyEligibleClassAndItemIsDrawnEventually() {
        LabeledData data = traceable(6, 5);
        EpisodeSampler sampler = new EpisodeSampler(data, new EpisodeShape(2, 1, 1), 3);
        Set<Integer> seen = new HashSet<>();
        for (int e = 0; e < 500; e++) {
            float[] f = sampler.next().features();
            for (int r = 0; r < 4; r++) {
                seen.add((int) f[2 * r]);
            }
        }
        assertEquals(30, seen.size());
    }

    @Test
    void refusesShapesTheDataCannotFill() {
        LabeledData data = traceable(4, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EpisodeSampler(data, new EpisodeShape(5, 1, 1), 0));
        assertTrue(e.getMessage().contains("only 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new EpisodeSampler(data, new EpisodeShape(2, 3, 3), 0));
        assertTrue(e.getMessage().contains("at least 6 items"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new EpisodeShape(1, 1, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpisodeShape(5, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> new EpisodeShape(5, 1, 0));
    }
}
