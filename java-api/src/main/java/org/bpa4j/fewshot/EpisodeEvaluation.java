package org.bpa4j.fewshot;

import java.util.List;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.InvalidInputException;
import org.bpa4j.Tensor;

/**
 * The few-shot protocol: the same episodes classified from the raw features and through BPA, with the
 * accuracy (mean over episodes of the fraction of queries right) and its 95% interval
 * (1.96 · std / √episodes, std over episodes with divisor episodes). Episodes go through BPA in batches.
 * Stateless: every method may be called from any thread (each call draws from its own sampler).
 */
public final class EpisodeEvaluation {
    /** Episodes per BPA call unless told otherwise. */
    public static final int DEFAULT_BATCH = 200;

    /** The most episodes one evaluation runs: about 20 minutes of 5-way 1-shot here, 16 MB of accuracies. */
    public static final int MAX_EPISODES = 1_000_000;

    private EpisodeEvaluation() {
    }

    /**
     * Accuracy in percent and the half-width of its 95% interval, in percent points.
     *
     * @param percent the mean over episodes of the percentage of queries classified right, 0..100
     * @param ci95 1.96 · std / √episodes of the per-episode percentages, ≥ 0
     */
    public record Accuracy(double percent, double ci95) {
    }

    /**
     * Both methods on the same episodes.
     *
     * @param shape the episodes' way, shot and queries
     * @param episodes how many episodes were run, ≥ 1
     * @param raw the nearest-prototype accuracy on the raw features
     * @param bpa the nearest-prototype accuracy on the BPA features of each episode
     */
    public record Comparison(EpisodeShape shape, int episodes, Accuracy raw, Accuracy bpa) {
        /**
         * BPA's accuracy minus the raw features'.
         *
         * @return the gain in percent points, negative when BPA did worse
         */
        public double gain() {
            return bpa.percent() - raw.percent();
        }
    }

    /**
     * Runs {@code episodes} episodes drawn with {@code seed}, in batches of {@link #DEFAULT_BATCH}.
     *
     * @param data the labelled features to draw from
     * @param shape way, shot and queries of every episode
     * @param episodes how many episodes, 1..{@value #MAX_EPISODES}
     * @param seed the seed of the episode stream: the same seed draws the same episodes
     * @param bpa the transform applied to each episode (its options, e.g. device, apply)
     * @return both methods' accuracy over the episodes
     * @throws InvalidInputException when an argument is null, episodes is out of range, or the data has fewer
     *         than {@code way} classes with {@code shot + queries} items, or a batch cannot fit in memory
     */
    public static Comparison compare(LabeledData data, EpisodeShape shape, int episodes, long seed, Bpa bpa) {
        return compare(data, shape, episodes, seed, bpa, DEFAULT_BATCH);
    }

    /**
     * {@link #compare(LabeledData, EpisodeShape, int, long, Bpa)} with another batch size, which changes memory
     * and speed but not the result (each episode is its own set of the batch).
     *
     * @param data the labelled features to draw from
     * @param shape way, shot and queries of every episode
     * @param episodes how many episodes, 1..{@value #MAX_EPISODES}
     * @param seed the seed of the episode stream
     * @param bpa the transform applied to each episode
     * @param batch episodes per BPA call, ≥ 1; a batch is (batch, rows, dim) floats, below 2³¹ values
     * @return both methods' accuracy over the episodes
     * @throws InvalidInputException as {@link #compare(LabeledData, EpisodeShape, int, long, Bpa)}, and when
     *         batch &lt; 1 or one batch has more values than an array holds
     */
    public static Comparison compare(LabeledData data, EpisodeShape shape, int episodes, long seed, Bpa bpa,
            int batch) {
        if (episodes < 1 || episodes > MAX_EPISODES) {
            throw new InvalidInputException("EpisodeEvaluation: episodes must be in 1.." + MAX_EPISODES
                    + " (a bound on the time of one evaluation), got " + episodes);
        }
        return summarize(shape, accuracies(data, shape, seed, 0, episodes, bpa, batch));
    }

    /**
     * Per-episode accuracies (fractions of the queries right) of both methods, episode by episode. The arrays
     * are held as given, not copied.
     *
     * @param raw the raw features' accuracy per episode, each in [0, 1]
     * @param bpa the BPA features' accuracy per episode, as long as raw
     */
    public record EpisodeAccuracies(double[] raw, double[] bpa) {
        /**
         * Checks that both arrays are given and of one length.
         *
         * @throws InvalidInputException when raw or bpa is null or their lengths differ
         */
        public EpisodeAccuracies {
            if (raw == null || bpa == null || raw.length != bpa.length) {
                throw new InvalidInputException("EpisodeAccuracies: raw and bpa need one value per episode each");
            }
        }
    }

    /**
     * The accuracies of episodes [first, first + count) of the stream that {@code seed} draws: the same
     * values, episode by episode, as those {@link #compare} summarizes, wherever the range is computed. Lets
     * a distributed run split the episodes and {@link #summarize} them in order.
     *
     * @param data the labelled features to draw from
     * @param shape way, shot and queries of every episode
     * @param seed the seed of the whole episode stream
     * @param first the first episode of the range, ≥ 0 (the episodes before it are drawn and discarded)
     * @param count how many episodes, ≥ 0
     * @param bpa the transform applied to each episode
     * @param batch episodes per BPA call, ≥ 1
     * @return {@code count} accuracies per method, in episode order
     * @throws InvalidInputException when an argument is null, first or count &lt; 0, batch &lt; 1, the data
     *         cannot give such episodes, or a batch cannot fit in memory
     */
    public static EpisodeAccuracies accuracies(LabeledData data, EpisodeShape shape, long seed, long first,
            int count, Bpa bpa, int batch) {
        if (data == null || shape == null || bpa == null) {
            throw new InvalidInputException("EpisodeEvaluation: data, shape and bpa must not be null");
        }
        if (first < 0 || count < 0) {
            throw new InvalidInputException("EpisodeEvaluation: episodes from " + first + ", " + count
                    + " of them: both must be >= 0");
        }
        if (batch < 1) {
            throw new InvalidInputException("EpisodeEvaluation: batch must be >= 1, got " + batch);
        }
        EpisodeSampler sampler = new EpisodeSampler(data, shape, seed);
        sampler.skip(first);
        FewShotClassifier raw = FewShotClassifier.onFeatures();
        FewShotClassifier transformed = FewShotClassifier.throughBpa(bpa);
        int rows = shape.rows();
        int dim = data.dim();
        int[] supportLabels = shape.supportLabels();
        int[] truth = new int[rows - shape.supportRows()];
        for (int i = 0; i < truth.length; i++) {
            truth[i] = shape.classOfRow(shape.supportRows() + i);
        }
        double[] rawAccuracy = new double[count];
        double[] bpaAccuracy = new double[count];
        for (int start = 0; start < count; start += batch) {
            int m = Math.min(batch, count - start);
            long elements = (long) m * rows * dim;
            if (elements > Integer.MAX_VALUE - 16) {
                throw new InvalidInputException("EpisodeEvaluation: a batch of " + m + " episodes of " + rows
                        + " rows of d = " + dim + " has " + elements + " values, more than one array holds; "
                        + "use a smaller batch");
            }
            Tensor sets = Tensor.zeros(DType.FLOAT32, m, rows, dim); // checked against the free heap
            float[] values = sets.floatArray().orElseThrow();
            for (int e = 0; e < m; e++) {
                sampler.next(values, e * rows * dim);
            }
            List<Predictions> rawPredictions = raw.classifySets(sets, supportLabels);
            List<Predictions> bpaPredictions = transformed.classifySets(sets, supportLabels);
            for (int e = 0; e < m; e++) {
                rawAccuracy[start + e] = rawPredictions.get(e).accuracy(truth);
                bpaAccuracy[start + e] = bpaPredictions.get(e).accuracy(truth);
            }
        }
        return new EpisodeAccuracies(rawAccuracy, bpaAccuracy);
    }

    /**
     * Both methods' accuracy over the given episodes, in their order (the sums are in that order, so the same
     * episodes give the same bits).
     *
     * @param shape the episodes' shape, reported in the result
     * @param perEpisode the accuracies of at least one episode
     * @return the mean and 95% interval of each method, in percent
     * @throws InvalidInputException when shape or perEpisode is null, or there is no episode
     */
    public static Comparison summarize(EpisodeShape shape, EpisodeAccuracies perEpisode) {
        if (shape == null || perEpisode == null || perEpisode.raw().length == 0) {
            throw new InvalidInputException("EpisodeEvaluation.summarize: a shape and at least one episode");
        }
        return new Comparison(shape, perEpisode.raw().length, summarize(perEpisode.raw()),
                summarize(perEpisode.bpa()));
    }

    /** Mean and 1.96 · std / √count of per-episode accuracies (fractions), both in percent. */
    static Accuracy summarize(double[] perEpisode) {
        double mean = 0;
        for (double a : perEpisode) {
            mean += a;
        }
        mean /= perEpisode.length;
        double var = 0;
        for (double a : perEpisode) {
            var += (a - mean) * (a - mean);
        }
        var /= perEpisode.length;
        return new Accuracy(100 * mean, 100 * 1.96 * Math.sqrt(var) / Math.sqrt(perEpisode.length));
    }
}
