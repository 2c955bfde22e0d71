package org.bpa4j.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.bpa4j.Bpa;
import org.bpa4j.Metric;
import org.bpa4j.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Transformer of the README's "Spark" section against the plain {@link Bpa} API, group by group. */
class BpaTransformerTest {
    private static final StructType FLOAT_ROWS = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("group", DataTypes.StringType, false)
            .add("features", DataTypes.createArrayType(DataTypes.FloatType, false), true)
            .add("label", DataTypes.StringType, true)
            .add("note", DataTypes.StringType, true);

    @TempDir
    Path dir;

    /** Three groups of 7, 5 and 9 rows in 4 dimensions; groups a and c have labelled support rows. */
    private static List<Row> rows(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Row> rows = new ArrayList<>();
        int id = 0;
        String[] groups = {"a", "b", "c"};
        int[] sizes = {7, 5, 9};
        for (int g = 0; g < groups.length; g++) {
            for (int i = 0; i < sizes[g]; i++) {
                List<Float> x = new ArrayList<>();
                for (int j = 0; j < 4; j++) {
                    x.add((float) r.nextGaussian());
                }
                // every third row of a and c is support, labelled by its parity
                String label = g != 1 && i % 3 == 0 ? (i % 2 == 0 ? "even" : "odd") : null;
                // ids not in group order, so that the id, not the input order, decides
                rows.add(RowFactory.create(100 - 3 * id, groups[g], x, label, "note " + id));
                id++;
            }
        }
        java.util.Collections.shuffle(rows, new java.util.Random(seed));
        return rows;
    }

    private static Dataset<Row> frame(List<Row> rows) {
        return LocalSpark.get().createDataFrame(rows, FLOAT_ROWS);
    }

    /** What the transform must give one group: its rows, support first, by id, through Bpa. */
    private static Map<Integer, float[]> expected(List<Row> rows, Bpa bpa, boolean withLabels) {
        Map<String, List<Row>> byGroup = new HashMap<>();
        for (Row row : rows) {
            byGroup.computeIfAbsent(row.getString(1), k -> new ArrayList<>()).add(row);
        }
        Map<Integer, float[]> out = new HashMap<>();
        for (List<Row> group : byGroup.values()) {
            group.sort(Comparator.<Row, Boolean>comparing(row -> withLabels && row.isNullAt(3))
                    .thenComparing(row -> row.getInt(0)));
            int n = group.size();
            float[] x = new float[n * 4];
            List<Integer> labels = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                @SuppressWarnings("unchecked")
                List<Float> f = (List<Float>) group.get(i).get(2); // rows made here hold a java.util.List
                for (int j = 0; j < 4; j++) {
                    x[i * 4 + j] = f.get(j);
                }
                if (withLabels && !group.get(i).isNullAt(3)) {
                    String name = group.get(i).getString(3);
                    if (!names.contains(name)) {
                        names.add(name);
                    }
                    labels.add(names.indexOf(name));
                }
            }
            Tensor z = labels.isEmpty() ? bpa.transform(Tensor.of(x, n, 4))
                    : bpa.transform(Tensor.of(x, n, 4), labels.stream().mapToInt(Integer::intValue).toArray());
            float[] all = z.toFloatArray();
            for (int i = 0; i < n; i++) {
                out.put(group.get(i).getInt(0), java.util.Arrays.copyOfRange(all, i * n, (i + 1) * n));
            }
        }
        return out;
    }

    private static float[] floats(Row row, String column) {
        List<Float> list = row.getList(row.fieldIndex(column));
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    @Test
    void inAPipelineEachGroupEqualsBpaOnThatGroupWithItsSupportLabels() {
        List<Row> rows = rows(1);
        BpaTransformer bpa = new BpaTransformer().setLabelCol("label").setRowIdCol("id").setReg(0.2)
                .setIterations(7);
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {bpa}).fit(frame(rows));
        List<Row> out = model.transform(frame(rows)).collectAsList();
        assertEquals(rows.size(), out.size());
        Map<Integer, float[]> want = expected(rows, Bpa.builder().reg(0.2).iterations(7).build(), true);
        Map<Integer, Row> input = new HashMap<>();
        rows.forEach(row -> input.put(row.getInt(0), row));
        for (Row row : out) {
            int id = row.getInt(0);
            assertArrayEquals(want.get(id), floats(row, "bpa"), "row id " + id);
            // every other column is kept as it was
            for (int f = 0; f < FLOAT_ROWS.size(); f++) {
                Object kept = f == 2 ? row.getList(f) : row.get(f); // Spark gives arrays back as Scala sequences
                assertEquals(input.get(id).get(f), kept, "column " + f + " of row id " + id);
            }
        }
        // positions: support first, then by id, within each group
        Map<String, List<Row>> byGroup = new HashMap<>();
        out.forEach(row -> byGroup.computeIfAbsent(row.getString(1), k -> new ArrayList<>()).add(row));
        for (List<Row> group : byGroup.values()) {
            group.sort(Comparator.comparingInt(row -> row.getInt(row.fieldIndex("bpaPosition"))));
            for (int i = 0; i < group.size(); i++) {
                assertEquals(i, group.get(i).getInt(group.get(i).fieldIndex("bpaPosition")));
                assertEquals(1f, floats(group.get(i), "bpa")[i], "the masked diagonal is 1");
            }
        }
    }

    @Test
    void topKKeepsEachRowsLargestValuesAndTheirPositions() {
        List<Row> rows = rows(2);
        BpaTransformer bpa = new BpaTransformer().setRowIdCol("id").setTopK(3).setMetric("euclidean");
        List<Row> out = bpa.transform(frame(rows)).collectAsList();
        Map<Integer, float[]> want = expected(rows, Bpa.builder().metric(Metric.EUCLIDEAN).build(), false);
        for (Row row : out) {
            float[] dense = want.get(row.getInt(0));
            Integer[] order = new Integer[dense.length];
            for (int j = 0; j < order.length; j++) {
                order[j] = j;
            }
            java.util.Arrays.sort(order, (a, b) -> dense[a] != dense[b] ? Float.compare(dense[b], dense[a]) : a - b);
            float[] values = floats(row, "bpa");
            List<Integer> indices = row.getList(row.fieldIndex("bpaIndices"));
            assertEquals(3, values.length);
            for (int c = 0; c < 3; c++) {
                assertEquals(order[c], indices.get(c), "row id " + row.getInt(0));
                assertEquals(dense[order[c]], values[c]);
            }
        }
    }

    @Test
    void doubleArraysAndMlVectorsGiveDoublesEqualToBpaInFloat64() {
        SparkSession spark = LocalSpark.get();
        SplittableRandom r = new SplittableRandom(3);
        List<Row> asArrays = new ArrayList<>();
        List<Row> asVectors = new ArrayList<>();
        double[] x = new double[6 * 3];
        for (int i = 0; i < 6; i++) {
            double[] v = {r.nextGaussian(), r.nextGaussian(), r.nextGaussian()};
            System.arraycopy(v, 0, x, i * 3, 3);
            List<Double> list = List.of(v[0], v[1], v[2]);
            asArrays.add(RowFactory.create(i, 7L, list));
            asVectors.add(RowFactory.create(i, 7L, Vectors.dense(v)));
        }
        StructType arrays = new StructType().add("id", DataTypes.IntegerType).add("set", DataTypes.LongType)
                .add("x", DataTypes.createArrayType(DataTypes.DoubleType));
        StructType vectors = new StructType().add("id", DataTypes.IntegerType).add("set", DataTypes.LongType)
                .add("x", SQLDataTypes.VectorType());
        double[] want = Bpa.builder().build().transform(Tensor.of(x, 6, 3)).toDoubleArray();
        BpaTransformer bpa = new BpaTransformer().setInputCol("x").setGroupCol("set").setRowIdCol("id")
                .setOutputCol("z").setPositionCol("");
        for (Dataset<Row> df : List.of(spark.createDataFrame(asArrays, arrays), spark.createDataFrame(asVectors, vectors))) {
            Dataset<Row> out = bpa.transform(df);
            assertEquals(DataTypes.createArrayType(DataTypes.DoubleType, false), out.schema().apply("z").dataType());
            assertEquals(4, out.schema().size(), "no position column when positionCol is ''");
            for (Row row : out.collectAsList()) {
                int i = row.getInt(0);
                List<Double> z = row.getList(3);
                for (int j = 0; j < 6; j++) {
                    assertEquals(want[i * 6 + j], z.get(j), 0.0, "row " + i + " column " + j);
                }
            }
        }
    }

    @Test
    void savedAndLoadedAloneOrInAPipelineItTransformsTheSame() throws Exception {
        List<Row> rows = rows(4);
        BpaTransformer bpa = new BpaTransformer().setLabelCol("label").setRowIdCol("id").setSigmoid(true)
                .setMaxScale(false).setTopK(2).setPrecision("float64").setDevice("cpu");
        String alone = dir.resolve("alone").toString();
        bpa.save(alone);
        BpaTransformer loaded = BpaTransformer.load(alone);
        assertEquals(bpa.uid(), loaded.uid());
        assertEquals(bpa.extractParamMap().toString(), loaded.extractParamMap().toString());
        PipelineModel model = new Pipeline().setStages(new PipelineStage[] {bpa}).fit(frame(rows));
        String inPipeline = dir.resolve("pipeline").toString();
        model.save(inPipeline);
        PipelineModel reloaded = PipelineModel.load(inPipeline);
        List<Row> a = bpa.transform(frame(rows)).orderBy("id").collectAsList();
        List<Row> b = loaded.transform(frame(rows)).orderBy("id").collectAsList();
        List<Row> c = reloaded.transform(frame(rows)).orderBy("id").collectAsList();
        assertEquals(a, b);
        assertEquals(a, c);
    }

    @Test
    void aGroupTooLargeForOneTaskIsRefusedPointingToDistributedBpa() {
        BpaTransformer bpa = new BpaTransformer().setMaxGroupRows(8);
        Exception e = assertThrows(Exception.class, () -> bpa.transform(frame(rows(5))).collectAsList());
        assertTrue(e.getMessage().contains("group group = c has more than maxGroupRows = 8 rows"), e.getMessage());
        assertTrue(e.getMessage().contains("org.bpa4j.spark.DistributedBpa"), e.getMessage());
    }

    @Test
    void aBadRowFailsTheJobNamingTheGroupAndTheRow() {
        List<Row> nan = new ArrayList<>();
        nan.add(RowFactory.create(1, "g", List.of(1f, 2f), null, ""));
        nan.add(RowFactory.create(2, "g", List.of(1f, Float.NaN), null, ""));
        nan.add(RowFactory.create(3, "h", List.of(1f, 0f), null, ""));
        BpaTransformer bpa = new BpaTransformer().setRowIdCol("id");
        Exception e = assertThrows(Exception.class, () -> bpa.transform(frame(nan)).collectAsList());
        assertTrue(e.getMessage().contains("group group = g, row 1 (id = 2): features feature 1 is NaN"),
                e.getMessage());

        List<Row> ragged = new ArrayList<>(nan.subList(0, 1));
        ragged.add(RowFactory.create(4, "g", List.of(1f, 2f, 3f), null, ""));
        e = assertThrows(Exception.class, () -> bpa.transform(frame(ragged)).collectAsList());
        assertTrue(e.getMessage().contains(
                "group group = g, row 1 (id = 4): features has 3 features but the group's first row has 2"),
                e.getMessage());
    }

    @Test
    void badSettingsAndColumnsAreRefusedOnTheDriver() {
        Dataset<Row> df = frame(rows(6));
        assertThrows(IllegalArgumentException.class, () -> new BpaTransformer().setReg(0));
        assertThrows(IllegalArgumentException.class, () -> new BpaTransformer().setMetric("manhattan"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BpaTransformer().setInputCol("nope").transform(df));
        assertTrue(e.getMessage().contains("inputCol 'nope' is not a column"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BpaTransformer().setInputCol("note").transform(df));
        assertTrue(e.getMessage().contains("expected array<float>, array<double> or an ML Vector"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BpaTransformer().setOutputCol("note").transform(df));
        assertTrue(e.getMessage().contains("output column 'note' already exists"), e.getMessage());
    }
}
