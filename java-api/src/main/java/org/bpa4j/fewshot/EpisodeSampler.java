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

    /**
     * A sampler of episodes of one shape; only classes with at least {@code shot + queries} items are drawn.
     *
     * @param data the labelled features
     * @param shape way, shot and queries of every episode
     * @param seed the seed of the random stream: the same data, shape and seed draw the same episodes
     * @throws InvalidInputException when data or shape is null, or fewer than {@code way} classes have
     *         {@code shot + queries} items
     */
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

    /**
     * The shape of every episode drawn.
     *
     * @return the shape given to the constructor
     */
    public EpisodeShape shape() {
        return shape;
    }

    /**
     * The feature dimension d of every row.
     *
     * @return d, ≥ 1
     */
    public int dim() {
        return data.dim();
    }

    /**
     * One episode: its rows and the original labels of its classes. The arrays are held as given.
     *
     * @param features the rows, {@code shape().rows() × dim()} values, row-major; row r is of class r mod way
     * @param classes the original labels of classes c0..c(way−1), {@code way} distinct values
     */
    public record Episode(float[] features, int[] classes) {
    }

    /**
     * Draws the next episode into new arrays.
     *
     * @return the episode, support rows first
     */
    public Episode next() {
        float[] features = new float[shape.rows() * data.dim()];
        int[] classes = next(features, 0);
        return new Episode(features, classes);
    }

    /**
     * Draws the next episode into {@code dest} from {@code offset} (rows × dim values); returns the
     * original labels of classes c0..c(way−1). Draws the same episode as {@link #next()} would.
     *
     * @param dest the array to write the rows into, row-major; it must hold rows × dim values from offset
     * @param offset where the episode's first value goes, ≥ 0
     * @return the original labels of the episode's {@code way} classes, in class order
     * @throws ArrayIndexOutOfBoundsException when dest is too short from offset (nothing is checked first)
     */
    public int[] next(float[] dest, int offset) {
        long needed = (long) shape.rows() * data.dim();
        if (dest == null || offset < 0 || offset > dest.length - needed) {
            throw new org.bpa4j.InvalidInputException("EpisodeSampler.next: dest must hold " + needed
                    + " values from offset " + offset + ", has length " + (dest == null ? "null" : dest.length));
        }
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
     * Copies no features, but draws every random number, so its time is linear in {@code episodes}.
     *
     * @param episodes how many episodes to skip, ≥ 0
     * @throws InvalidInputException when episodes &lt; 0
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
