package org.bpa4j.spark;

import org.bpa4j.InvalidInputException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.bpa4j.Bpa;
import org.bpa4j.DType;
import org.bpa4j.Tensor;

/**
 * What each task of {@link BpaTransformer} runs: its partition holds whole groups, sorted by group, support
 * rows first, then by row order; every run of rows with the same group key is one set, transformed by the
 * normal {@link Bpa} API, and each row comes out with its own values followed by its BPA columns.
 * One group is held at a time.
 */
final class GroupTransform implements MapPartitionsFunction<Row, Row> {
    private final Layout layout;
    private final BpaSettings settings;
    private final int topK;
    private final int maxGroupRows;

    /**
     * Where things are in the incoming rows: {@code keep} leading fields are copied to the output; -1 for
     * a column that is not used.
     *
     * @param keep the input's fields, all copied to the output before the BPA columns
     * @param features the index of the features column
     * @param kind how the features are stored (float or double array, ML vector)
     * @param group the index of the group column
     * @param label the index of the label column, or -1
     * @param rowId the index of the row-id column, or -1
     * @param position whether the position column is added
     * @param featuresName the features column's name, for messages
     * @param groupName the group column's name, for messages
     * @param rowIdName the row-id column's name (empty when unused), for messages
     */
    record Layout(int keep, int features, FeatureKind kind, int group, int label, int rowId, boolean position,
            String featuresName, String groupName, String rowIdName) implements java.io.Serializable {
    }

    GroupTransform(Layout layout, BpaSettings settings, int topK, int maxGroupRows) {
        this.layout = layout;
        this.settings = settings;
        this.topK = topK;
        this.maxGroupRows = maxGroupRows;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Bpa bpa = settings.bpa();
        return new Iterator<>() {
            private final ArrayDeque<Row> ready = new ArrayDeque<>();
            private Row lookahead = rows.hasNext() ? rows.next() : null;

            @Override
            public boolean hasNext() {
                while (ready.isEmpty() && lookahead != null) {
                    List<Row> group = new ArrayList<>();
                    Object key = lookahead.get(layout.group());
                    while (lookahead != null && Objects.equals(key, lookahead.get(layout.group()))) {
                        if (group.size() == maxGroupRows) {
                            throw tooLarge(key);
                        }
                        group.add(lookahead);
                        lookahead = rows.hasNext() ? rows.next() : null;
                    }
                    ready.addAll(transform(bpa, key, group));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }

    private IllegalArgumentException tooLarge(Object key) {
        return new InvalidInputException("BpaTransformer: group " + layout.groupName() + " = " + key
                + " has more than maxGroupRows = " + maxGroupRows + " rows, more than one task transforms as one"
                + " dense set; for one huge set use org.bpa4j.spark.DistributedBpa (its rows spread over the"
                + " executors, top-k output), or raise maxGroupRows if an executor has the memory");
    }

    /** One group's rows, in order, with their BPA columns appended. */
    List<Row> transform(Bpa bpa, Object key, List<Row> group) {
        int n = group.size();
        int d = -1;
        DType dtype = layout.kind().dtype();
        float[] floats = null;
        double[] doubles = null;
        int[] labels = labels(group);
        for (int i = 0; i < n; i++) {
            Row row = group.get(i);
            double[] x = features(row, key, i);
            if (d < 0) {
                d = x.length;
                if (d == 0) {
                    throw badRow(key, i, row, "has no features");
                }
                if (dtype == DType.FLOAT32) {
                    floats = new float[Math.multiplyExact(n, d)];
                } else {
                    doubles = new double[Math.multiplyExact(n, d)];
                }
            } else if (x.length != d) {
                throw badRow(key, i, row, "has " + x.length + " features but the group's first row has " + d);
            }
            for (int j = 0; j < d; j++) {
                if (!Double.isFinite(x[j])) {
                    throw badRow(key, i, row, "feature " + j + " is " + x[j]);
                }
                if (floats != null) {
                    floats[i * d + j] = (float) x[j];
                } else {
                    doubles[i * d + j] = x[j];
                }
            }
        }
        Tensor input = floats != null ? Tensor.of(floats, n, d) : Tensor.of(doubles, n, d);
        Tensor z = bpa.transform(input, labels);
        double[] values = z.toDoubleArray();
        boolean asFloat = z.dtype() == DType.FLOAT32;
        int k = Math.min(topK, n);
        List<Row> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<Object> fields = new ArrayList<>(layout.keep() + 3);
            Row row = group.get(i);
            for (int f = 0; f < layout.keep(); f++) {
                fields.add(row.get(f));
            }
            if (topK > 0) {
                int[] columns = RowTopK.indices(values, i * n, n, k);
                double[] best = new double[k];
                for (int c = 0; c < k; c++) {
                    best[c] = values[i * n + columns[c]];
                }
                fields.add(asFloat ? toFloats(best, 0, k) : best);
                fields.add(columns);
            } else {
                fields.add(asFloat ? toFloats(values, i * n, n)
                        : java.util.Arrays.copyOfRange(values, i * n, (i + 1) * n));
            }
            if (layout.position()) {
                fields.add(i);
            }
            out.add(RowFactory.create(fields.toArray()));
        }
        return out;
    }

    /**
     * The support's labels as small integers (equal values, equal integers), or null without support rows.
     * The support rows come first in a group (rows with a label), so the labels cover rows 0..L−1.
     */
    private int[] labels(List<Row> group) {
        if (layout.label() < 0) {
            return null;
        }
        Map<Object, Integer> index = new LinkedHashMap<>();
        int count = 0;
        while (count < group.size() && !group.get(count).isNullAt(layout.label())) {
            count++;
        }
        if (count == 0) {
            return null;
        }
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = index.computeIfAbsent(group.get(i).get(layout.label()), v -> index.size());
        }
        return labels;
    }

    private double[] features(Row row, Object key, int i) {
        int f = layout.features();
        if (row.isNullAt(f)) {
            throw badRow(key, i, row, "has no features (" + layout.featuresName() + " is null)");
        }
        if (layout.kind() == FeatureKind.ML_VECTOR) {
            return ((Vector) row.get(f)).toArray();
        }
        List<Object> list = row.getList(f);
        double[] x = new double[list.size()];
        for (int j = 0; j < x.length; j++) {
            Object v = list.get(j);
            if (v == null) {
                throw badRow(key, i, row, "feature " + j + " is null");
            }
            x[j] = ((Number) v).doubleValue();
        }
        return x;
    }

    /** A bad input row: names the group, the row's place in it and, when there is one, its id. */
    private IllegalArgumentException badRow(Object key, int i, Row row, String what) {
        String id = layout.rowId() >= 0 ? " (" + layout.rowIdName() + " = " + row.get(layout.rowId()) + ")" : "";
        return new InvalidInputException("BpaTransformer: group " + layout.groupName() + " = " + key + ", row "
                + i + id + ": " + layout.featuresName() + " " + what);
    }

    private static float[] toFloats(double[] values, int from, int count) {
        float[] out = new float[count];
        for (int i = 0; i < count; i++) {
            out[i] = (float) values[from + i];
        }
        return out;
    }
}
