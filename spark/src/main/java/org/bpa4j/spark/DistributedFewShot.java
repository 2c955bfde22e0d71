package org.bpa4j.spark;

import org.bpa4j.InvalidInputException;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.bpa4j.Bpa;
import org.bpa4j.fewshot.EpisodeEvaluation;
import org.bpa4j.fewshot.EpisodeEvaluation.Comparison;
import org.bpa4j.fewshot.EpisodeEvaluation.EpisodeAccuracies;
import org.bpa4j.fewshot.EpisodeShape;
import org.bpa4j.fewshot.LabeledData;

/**
 * The few-shot protocol of {@link EpisodeEvaluation#compare} with its episodes spread over Spark partitions:
 * partition p draws episodes [first_p, first_p + count_p) of the seed's one stream (the API's sampler, skipping
 * to its range) and classifies them; the driver sums the per-episode accuracies in episode order. So the result
 * is the single-JVM one for the same data, shape, episodes and seed, to the last digit.
 */
public final class DistributedFewShot {
    private DistributedFewShot() {
    }

    /**
     * The data as plain arrays, for the broadcast.
     *
     * @param features the features, row-major (items, dim)
     * @param labels one label per item
     * @param dim the features per item
     */
    private record Items(float[] features, int[] labels, int dim) implements java.io.Serializable {
        static Items of(LabeledData data) {
            float[] f = new float[data.size() * data.dim()];
            int[] y = new int[data.size()];
            for (int i = 0; i < y.length; i++) {
                data.copyFeatures(i, f, i * data.dim());
                y[i] = data.label(i);
            }
            return new Items(f, y, data.dim());
        }

        LabeledData data() {
            return LabeledData.of(features, labels, dim);
        }
    }

    /**
     * Runs {@code episodes} episodes drawn with {@code seed}, spread over {@code partitions} Spark tasks: the same
     * result as {@link EpisodeEvaluation#compare(LabeledData, EpisodeShape, int, long, Bpa, int)} in one JVM. The
     * data is broadcast once (and destroyed after); each executor resolves the {@link Bpa}'s device itself. A
     * failed task fails the call with Spark's own exception ({@code org.apache.spark.SparkException}, thrown
     * undeclared from Scala), its cause the task's.
     *
     * @param spark the context to run the job on
     * @param data the labelled features to draw from
     * @param shape way, shot and queries of every episode
     * @param episodes how many episodes, ≥ 1
     * @param seed the seed of the one episode stream
     * @param bpa the transform applied to each episode
     * @param batch episodes per BPA call within a task, ≥ 1
     * @param partitions how many tasks, ≥ 1 (at most {@code episodes} are used)
     * @return both methods' accuracy over the episodes
     * @throws InvalidInputException when an argument is null, episodes, batch or partitions is below 1, or the
     *         data cannot give such episodes (checked on the driver, before any job)
     */
    public static Comparison compare(JavaSparkContext spark, LabeledData data, EpisodeShape shape, int episodes,
            long seed, Bpa bpa, int batch, int partitions) {
        if (spark == null || data == null || shape == null || bpa == null) {
            throw new InvalidInputException("DistributedFewShot.compare: spark, data, shape and bpa must not be null");
        }
        if (episodes < 1) {
            throw new InvalidInputException("DistributedFewShot: episodes must be >= 1, got " + episodes);
        }
        if (partitions < 1) {
            throw new InvalidInputException("DistributedFewShot: partitions must be >= 1, got " + partitions);
        }
        // the checks of the single-JVM run, on the driver, before any job
        EpisodeEvaluation.accuracies(data, shape, seed, 0, 0, bpa, batch);
        int parts = Math.min(partitions, episodes);
        List<long[]> ranges = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            long first = (long) episodes * p / parts;
            ranges.add(new long[] {first, (long) episodes * (p + 1) / parts - first});
        }
        Broadcast<Items> items = spark.broadcast(Items.of(data));
        try {
            // the shape and the accuracies travel as plain values (the API's records are not Serializable)
            int way = shape.way();
            int shot = shape.shot();
            int queries = shape.queries();
            List<double[][]> perPartition = spark.parallelize(ranges, parts)
                    .map(r -> {
                        EpisodeAccuracies a = EpisodeEvaluation.accuracies(items.value().data(),
                                new EpisodeShape(way, shot, queries), seed, r[0], (int) r[1], bpa, batch);
                        return new double[][] {a.raw(), a.bpa()};
                    })
                    .collect(); // in partition order: episode order
            double[] raw = new double[episodes];
            double[] transformed = new double[episodes];
            int at = 0;
            for (double[][] a : perPartition) {
                System.arraycopy(a[0], 0, raw, at, a[0].length);
                System.arraycopy(a[1], 0, transformed, at, a[1].length);
                at += a[0].length;
            }
            return EpisodeEvaluation.summarize(shape, new EpisodeAccuracies(raw, transformed));
        } finally {
            items.destroy();
        }
    }
}
