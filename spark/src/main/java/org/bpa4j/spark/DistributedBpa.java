package org.bpa4j.spark;

import org.bpa4j.InvalidInputException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.bpa4j.Bpa;
import org.bpa4j.Metric;
import org.bpa4j.PartialLogSumExp;
import org.bpa4j.StreamingBpa;
import org.bpa4j.Tensor;
import org.bpa4j.TopKRows;

/**
 * The top-k BPA of one set too large for one machine's time (README "Spark"): its rows split into one row block
 * per partition, the streaming passes of {@link StreamingBpa} run as Spark jobs. The set X and the {@link Bpa}
 * are broadcast once; then for t = 1..T a row step (each partition its rows' log-sum-exps against v, collected)
 * and a column step (each partition its rows' partial column log-sum-exps against u, merged by log-add with
 * {@code treeAggregate}), each with the current dual broadcast; then each partition its rows' top-k. That is
 * 2T + 1 jobs (one more for the euclidean cost's max distance). Only the API's row-block operations run on the
 * executors, so the result equals {@link Bpa#topK} up to the order of the column merges' additions. Every task
 * is a pure function of the broadcasts and its block, so a recomputed task gives the same bits.
 */
public final class DistributedBpa {
    private DistributedBpa() {
    }

    /**
     * {@link #topK(JavaSparkContext, Bpa, Tensor, int[], int, int)} without labels.
     *
     * @param spark the context to run the jobs on
     * @param bpa the transform's options; each executor resolves its device (it must have the block kernel)
     * @param x one set (n, d), finite; it is broadcast in float32
     * @param k the entries kept per row, 1..n
     * @param partitions the row blocks, one task each, 1..n
     * @return the n rows' k largest entries of Z and their column indices
     * @throws InvalidInputException when an argument is null, x is not one finite set, k or partitions is
     *         outside [1, n], or the driver's backend lacks the block kernel (checked before any job)
     */
    public static TopKRows topK(JavaSparkContext spark, Bpa bpa, Tensor x, int k, int partitions) {
        return topK(spark, bpa, x, null, k, partitions);
    }

    /**
     * Each row's k largest entries of Z for x (n, d), computed over {@code partitions} row blocks. The
     * broadcasts are destroyed when it returns or throws. Thread-safe: concurrent calls use their own broadcasts.
     * A failed task fails the call with Spark's own exception ({@code org.apache.spark.SparkException}, thrown
     * undeclared from Scala), its cause the task's.
     *
     * @param spark the context to run the jobs on
     * @param bpa the transform's options; each executor resolves its device (it must have the block kernel)
     * @param x one set (n, d), finite; it is broadcast in float32
     * @param labels the labels of the first L rows (the support), or null
     * @param k the entries kept per row, 1..n
     * @param partitions the row blocks, one task each, 1..n
     * @return the n rows' k largest entries of Z and their column indices, as {@link Bpa#topK} gives them
     * @throws InvalidInputException when an argument is null, x is not one finite set, the labels do not fit x,
     *         k or partitions is outside [1, n], or the driver's backend lacks the block kernel (checked before
     *         any job)
     */
    public static TopKRows topK(JavaSparkContext spark, Bpa bpa, Tensor x, int[] labels, int k, int partitions) {
        if (spark == null || bpa == null || x == null) {
            throw new InvalidInputException("DistributedBpa.topK: spark, bpa and x must not be null");
        }
        // the API checks the set (shape, finite values), the labels and k here, on the driver, before any job
        StreamingBpa local = bpa.streaming(x, labels);
        int n = local.rows();
        if (k < 1 || k > n) {
            throw new InvalidInputException("DistributedBpa.topK: k must be in [1, n] = [1, " + n + "], got " + k);
        }
        if (partitions < 1 || partitions > n) {
            throw new InvalidInputException("DistributedBpa.topK: partitions must be in [1, n] = [1, " + n
                    + "], got " + partitions);
        }
        SetOnExecutors set = new SetOnExecutors(spark.broadcast(new SetData(bpa, x.toFloatArray(), n, x.cols(),
                labels)));
        List<int[]> ranges = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            ranges.add(new int[] {(int) ((long) n * p / partitions), (int) ((long) n * (p + 1) / partitions)});
        }
        JavaRDD<int[]> blocks = spark.parallelize(ranges, partitions);
        List<Broadcast<?>> used = new ArrayList<>();
        try {
            double maxDistance = 0;
            if (bpa.metric() == Metric.EUCLIDEAN) {
                maxDistance = blocks.map(b -> set.get(Double.NaN).blockMaxDistance(b[0], b[1]))
                        .reduce(Math::max);
            }
            double scale = maxDistance;
            double[] u = new double[n];
            double[] v = new double[n];
            PartialLogSumExp last = null;
            for (int t = 0; t < bpa.iterations(); t++) {
                Broadcast<double[]> vb = spark.broadcast(v);
                used.add(vb);
                List<PartialLogSumExp> rows = blocks.map(b -> set.get(scale).blockRows(b[0], b[1], vb.value()))
                        .collect();
                u = StreamingBpa.join(rows).duals();
                Broadcast<double[]> ub = spark.broadcast(u);
                used.add(ub);
                PartialLogSumExp none = empty(n);
                last = blocks.treeAggregate(none,
                        (acc, b) -> acc.merge(set.get(scale).blockColumns(b[0], b[1], ub.value())),
                        PartialLogSumExp::merge);
                v = last.duals();
            }
            double divisor = set.local(local, scale).divisor(last);
            double[] uf = u;
            double[] vf = v;
            Broadcast<double[]> ub = spark.broadcast(uf);
            Broadcast<double[]> vb = spark.broadcast(vf);
            used.add(ub);
            used.add(vb);
            List<TopKRows> top = blocks.map(b -> set.get(scale).blockTopK(b[0], b[1], ub.value(), vb.value(),
                    divisor, k)).collect();
            return TopKRows.concat(top);
        } finally {
            for (Broadcast<?> b : used) {
                b.destroy();
            }
            set.data().destroy();
        }
    }

    /** No terms yet for any of the n columns: what log-add merges start from. */
    private static PartialLogSumExp empty(int n) {
        double[] max = new double[n];
        Arrays.fill(max, Double.NEGATIVE_INFINITY);
        return new PartialLogSumExp(0, max, new double[n]);
    }

    /**
     * What every executor needs of the set: the rows, their labels and the transform's options.
     *
     * @param bpa the transform
     * @param x the rows, (n, d) row-major, float32
     * @param n the rows
     * @param d the features per row
     * @param labels the support's labels, or null
     */
    record SetData(Bpa bpa, float[] x, int n, int d, int[] labels) implements java.io.Serializable {
    }

    /**
     * The set's {@link StreamingBpa} on an executor, prepared once per JVM and broadcast (normalising the rows
     * is deterministic, so every executor's copy computes the same bits).
     *
     * @param data the broadcast set
     */
    record SetOnExecutors(Broadcast<SetData> data) implements java.io.Serializable {
        /** A few sets at most are live at once; the oldest prepared one is dropped first. */
        private static final Map<Long, StreamingBpa> PREPARED = new LinkedHashMap<>(4, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Long, StreamingBpa> eldest) {
                return size() > 2;
            }
        };

        /** The set, with the euclidean cost's max distance when known (NaN: not yet; cosine: ignored). */
        StreamingBpa get(double maxDistance) {
            StreamingBpa s;
            synchronized (PREPARED) {
                s = PREPARED.get(data.id());
                if (s == null) {
                    SetData set = data.value();
                    s = set.bpa().streaming(Tensor.of(set.x(), set.n(), set.d()), set.labels());
                    PREPARED.put(data.id(), s);
                }
            }
            return local(s, maxDistance);
        }

        StreamingBpa local(StreamingBpa s, double maxDistance) {
            return s.needsMaxDistance() && !Double.isNaN(maxDistance) ? s.withMaxDistance(maxDistance) : s;
        }
    }
}
