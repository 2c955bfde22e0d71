package org.bpa4j.fewshot;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bpa4j.InvalidInputException;

/**
 * Draws few-shot episodes from a labelled data set, reproducibly from a seed. Each episode picks
 * {@code way} distinct classes c0..c(way−1) and, for each, {@code shot + queries} distinct items. Rows
 * are the support first, in blocks of one item per class (c0..c(way−1), c0..c(way−1), …), then the
 * queries in the same way, so row r belongs to class r mod way. Not thread-safe (it owns a random stream).
 */
public final class EpisodeSampler {
    private final LabeledData data;
    private final EpisodeShape shape;
    private final int[] eligible;
    private final SplittableRandom random;

    public EpisodeSampler(LabeledData data, EpisodeShape shape, long seed) {
        if (data == null || shape == null) {
            throw new InvalidInputException("EpisodeSampler: data and shape must not be null");
        }
        int perClass = shape.shot() + shape.queries();
        List<Integer> ok = new ArrayList<>();
        for (int c : data.classes()) {
            if (data.itemsOfShared(c).length >= perClass) {
                ok.add(c);
            }
        }
        if (ok.size() < shape.way()) {
            throw new InvalidInputException("EpisodeSampler: a " + shape.way() + "-way episode needs "
                    + shape.way() + " classes with at least " + perClass + " items (shot " + shape.shot()
                    + " + queries " + shape.queries() + "), but the data has only " + ok.size());
        }
        this.data = data;
        this.shape = shape;
        this.eligible = ok.stream().mapToInt(Integer::intValue).toArray();
        this.random = new SplittableRandom(seed);
    }

    public EpisodeShape shape() {
        return shape;
    }

    public int dim() {
        return data.dim();
    }

    /** One episode: its rows (rows × dim, row-major) and the original labels of its classes. */
    public record Episode(float[] features, int[] classes) {
    }

    public Episode next() {
        float[] features = new float[shape.rows() * data.dim()];
        int[] classes = next(features, 0);
        return new Episode(features, classes);
    }

    /**
     * Draws the next episode into {@code dest} from {@code offset} (rows × dim values); returns the
     * original labels of classes c0..c(way−1).
     */
    public int[] next(float[] dest, int offset) {
        int way = shape.way();
        int perClass = shape.shot() + shape.queries();
        int[] classes = pickDistinct(eligible, way);
        int[][] items = new int[way][];
        for (int c = 0; c < way; c++) {
            items[c] = pickDistinct(data.itemsOfShared(classes[c]), perClass);
        }
        int dim = data.dim();
        int row = 0;
        // support blocks, then query blocks: item k of every class, for k = 0..shot−1, then shot..
        for (int k = 0; k < perClass; k++) {
            for (int c = 0; c < way; c++) {
                data.copyFeatures(items[c][k], dest, offset + row * dim);
                row++;
            }
        }
        return classes;
    }

    /**
     * Draws and discards the next {@code episodes} episodes: the sampler then continues exactly where one that
     * drew them would, so episodes [first, first + count) of a seed can be drawn anywhere (a Spark partition).
     */
    public void skip(long episodes) {
        if (episodes < 0) {
            throw new InvalidInputException("EpisodeSampler.skip: episodes must be >= 0, got " + episodes);
        }
        int perClass = shape.shot() + shape.queries();
        for (long e = 0; e < episodes; e++) {
            int[] classes = pickDistinct(eligible, shape.way());
            for (int c : classes) {
                pickDistinct(data.itemsOfShared(c), perClass);
            }
        }
    }

    /** k distinct entries of {@code from}, in random order (a partial Fisher–Yates shuffle of a copy). */
    private int[] pickDistinct(int[] from, int k) {
        int[] pool = from.clone();
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        return java.util.Arrays.copyOf(pool, k);
    }
}
