package org.bpa4j.spark;

import org.bpa4j.InvalidInputException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.bpa4j.DType;
import org.bpa4j.Device;
import org.bpa4j.Metric;

/**
 * BPA (docs/MATH.md §2) as a Spark ML {@link Transformer}: every group of rows (one value of {@code groupCol}) is one
 * set, transformed on an executor by the normal {@link org.bpa4j.Bpa} API (the CPU backend, or CUDA where an
 * executor has one and {@code device} is auto). Every input row comes out once, with all its columns, plus
 * its row of the group's BPA output in {@code outputCol} — dense, or with {@code topK} > 0 its k largest
 * values (largest first) in {@code outputCol} and their columns in {@code indicesCol} — and its place in the
 * group in {@code positionCol}: column j of a row's features is the group's row at position j.
 *
 * <p>Order within a group: the support rows (a non-null {@code labelCol}) first, then the others, each by
 * {@code rowIdCol} when set, else in input order. The support's labels (any type; equal values are one
 * class) are BPA's labels. A group of more than {@code maxGroupRows} rows is refused (one huge set is
 * {@link DistributedBpa}'s job), and a bad row (null, NaN or infinite feature, a length unlike the group's
 * first row) fails the job with a message that names the group and the row. Saved and loaded with
 * {@link #save(String)} / {@link #load(String)}, alone or inside a {@code Pipeline}.
 */
public final class BpaTransformer extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    /** The input order, captured before the shuffle that gathers each group. */
    private static final String ORDER = "__bpa4j_input_order";

    /** The ML identifier, kept through save, load and copy. */
    private final String uid;
    /**
     * The param: the column of each row's features: {@code array<float>}, {@code array<double>} or an ML
     * {@code Vector}, one length per group.
     */
    private final Param<String> inputCol;
    /** The param: the column whose distinct values are the sets: one BPA per value. */
    private final Param<String> groupCol;
    /**
     * The param: the column of the support rows' labels (null for the others, any type, equal values one class); empty
     * for none.
     */
    private final Param<String> labelCol;
    /**
     * The param: the column that orders rows within a group and names a bad row in messages; empty for the input order.
     */
    private final Param<String> rowIdCol;
    /**
     * The param: the column added for each row's BPA row: dense (the group's size) or, with topK, its k largest values.
     */
    private final Param<String> outputCol;
    /** The param: the column added with topK &gt; 0: the group positions of the top-k values. */
    private final Param<String> indicesCol;
    /**
     * The param: the column added for each row's position in its group (column j of a row's output is position j);
     * empty to add none.
     */
    private final Param<String> positionCol;
    /** The param: the cost between feature vectors: {@code cosine} or {@code euclidean}. */
    private final Param<String> metric;
    /** The param: the entropic regularisation ε, &gt; 0. */
    private final DoubleParam reg;
    /** The param: the Sinkhorn iterations T, ≥ 1. */
    private final IntParam iterations;
    /** The param: whether Z = σ(logP) instead of exp(logP). */
    private final BooleanParam sigmoid;
    /** The param: whether self-matching is forbidden (C_ii = 1e5, then Z_ii = 1). */
    private final BooleanParam maskDiagonal;
    /** The param: whether Z is divided by its largest entry. */
    private final BooleanParam maxScale;
    /** The param: the backend on the executors: {@code auto}, {@code cpu}, {@code cuda} or {@code reference}. */
    private final Param<String> device;
    /** The param: the output's precision: {@code input} (the features' own), {@code float32} or {@code float64}. */
    private final Param<String> precision;
    /**
     * The param: how many of each row's largest values are kept (a group of fewer rows keeps all of them), 0 for the
     * dense row.
     */
    private final IntParam topK;
    /**
     * The param: the largest group one task transforms; a larger one fails the job (one huge set is DistributedBpa's
     * job).
     */
    private final IntParam maxGroupRows;

    /**
     * A transformer with a random uid ({@code bpa_...}) and every param at its default.
     */
    public BpaTransformer() {
        this(Identifiable$.MODULE$.randomUID("bpa"));
    }

    /**
     * With a given uid (what loading and copying use), every param at its default.
     *
     * @param uid the ML identifier
     */
    public BpaTransformer(String uid) {
        this.uid = uid;
        inputCol = new Param<>(this, "inputCol", "features of each row: array<float>, array<double> or Vector");
        groupCol = new Param<>(this, "groupCol", "the set a row belongs to: one BPA per distinct value");
        labelCol = new Param<>(this, "labelCol", "labels of the support rows (null for the others); '' = none");
        rowIdCol = new Param<>(this, "rowIdCol", "orders rows within a group and names bad rows; '' = input order");
        outputCol = new Param<>(this, "outputCol", "each row's BPA features (dense), or its top-k values");
        indicesCol = new Param<>(this, "indicesCol", "with topK > 0: the group positions of the top-k values");
        positionCol = new Param<>(this, "positionCol", "each row's position in its group ('' = not added)");
        metric = new Param<>(this, "metric", "cost: cosine or euclidean",
                ParamValidators.inArray(new String[] {"cosine", "euclidean"}));
        reg = new DoubleParam(this, "reg", "entropic regularisation > 0", ParamValidators.gt(0));
        iterations = new IntParam(this, "iterations", "Sinkhorn iterations >= 1", ParamValidators.gtEq(1));
        sigmoid = new BooleanParam(this, "sigmoid", "Z = sigmoid(log P) instead of exp(log P)");
        maskDiagonal = new BooleanParam(this, "maskDiagonal", "forbid self-matching, then Z_ii = 1");
        maxScale = new BooleanParam(this, "maxScale", "divide Z by its largest entry");
        device = new Param<>(this, "device", "backend on the executors: auto, cpu, cuda or reference",
                ParamValidators.inArray(new String[] {"auto", "cpu", "cuda", "reference"}));
        precision = new Param<>(this, "precision", "output precision: input, float32 or float64",
                ParamValidators.inArray(new String[] {"input", "float32", "float64"}));
        topK = new IntParam(this, "topK", "keep each row's k largest values (0 = the dense row)",
                ParamValidators.gtEq(0));
        maxGroupRows = new IntParam(this, "maxGroupRows", "the largest group one task transforms",
                ParamValidators.gtEq(1));
        setDefault(inputCol, "features");
        setDefault(groupCol, "group");
        setDefault(labelCol, "");
        setDefault(rowIdCol, "");
        setDefault(outputCol, "bpa");
        setDefault(indicesCol, "bpaIndices");
        setDefault(positionCol, "bpaPosition");
        setDefault(metric, "cosine");
        setDefault(reg, 0.1);
        setDefault(iterations, 10);
        setDefault(sigmoid, false);
        setDefault(maskDiagonal, true);
        setDefault(maxScale, true);
        setDefault(device, "auto");
        setDefault(precision, "input");
        setDefault(topK, 0);
        setDefault(maxGroupRows, 10_000);
    }

    @Override
    public String uid() {
        return uid;
    }

    @Override
    public BpaTransformer copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    /**
     * The reader of saved transformers (Spark's ML persistence; what {@code Pipeline} loading calls).
     *
     * @return a new reader
     */
    public static MLReader<BpaTransformer> read() {
        return new DefaultParamsReader<>();
    }

    /**
     * Loads a transformer saved with {@link #save(String)}, with its uid and params.
     *
     * @param path the folder it was saved to (any Hadoop file system path)
     * @return the transformer
     */
    public static BpaTransformer load(String path) {
        return read().load(path);
    }

    // ---- the transform ----

    /**
     * The output schema: the input's columns, then {@code outputCol} ({@code array<float>} or
     * {@code array<double>}, per {@code precision}), {@code indicesCol} ({@code array<int>}, only with topK &gt; 0)
     * and {@code positionCol} ({@code int}, unless empty), none of them nullable.
     *
     * @param schema the input's schema
     * @return the output's schema
     * @throws InvalidInputException when inputCol, groupCol or a non-empty labelCol or rowIdCol is not a column,
     *         the features column is not {@code array<float>}, {@code array<double>} or a Vector, or an output
     *         column name is empty or already taken
     */
    @Override
    public StructType transformSchema(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        FeatureKind kind = FeatureKind.of(field(schema, getInputCol(), "inputCol").dataType(), getInputCol());
        field(schema, getGroupCol(), "groupCol");
        if (!getLabelCol().isEmpty()) {
            field(schema, getLabelCol(), "labelCol");
        }
        if (!getRowIdCol().isEmpty()) {
            field(schema, getRowIdCol(), "rowIdCol");
        }
        DType out = getPrecision().equals("input") ? kind.dtype() : DType.parse(getPrecision());
        DataType element = out == DType.FLOAT32 ? DataTypes.FloatType : DataTypes.DoubleType;
        List<StructField> fields = new ArrayList<>(Arrays.asList(schema.fields()));
        List<String> added = new ArrayList<>();
        fields.add(DataTypes.createStructField(getOutputCol(), DataTypes.createArrayType(element, false), false));
        added.add(getOutputCol());
        if (getTopK() > 0) {
            fields.add(DataTypes.createStructField(getIndicesCol(),
                    DataTypes.createArrayType(DataTypes.IntegerType, false), false));
            added.add(getIndicesCol());
        }
        if (!getPositionCol().isEmpty()) {
            fields.add(DataTypes.createStructField(getPositionCol(), DataTypes.IntegerType, false));
            added.add(getPositionCol());
        }
        for (int i = 0; i < added.size(); i++) {
            String name = added.get(i);
            if (name.isEmpty()) {
                throw new InvalidInputException("BpaTransformer: an output column name is empty");
            }
            if (names.contains(name) || added.subList(0, i).contains(name)) {
                throw new InvalidInputException("BpaTransformer: output column '" + name
                        + "' already exists; choose another name");
            }
        }
        return DataTypes.createStructType(fields);
    }

    private static StructField field(StructType schema, String name, String param) {
        if (name == null || name.isEmpty() || !Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new InvalidInputException("BpaTransformer: " + param + " '" + name + "' is not a column of "
                    + schema.simpleString());
        }
        return schema.apply(name);
    }

    /**
     * Transforms every group, lazily: the schema and the options are checked here, on the driver; the rows, when
     * the result is computed (one shuffle by {@code groupCol}). The output's row order is unspecified.
     *
     * @param dataset the rows, with the columns the params name
     * @return every input row once, with its BPA columns added
     * @throws InvalidInputException as {@link #transformSchema(StructType)}, and when the options are invalid;
     *         a bad row or a group over {@code maxGroupRows} fails the job when it runs, naming the group and row
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType in = dataset.schema();
        StructType out = transformSchema(in);
        BpaSettings settings = settings();
        settings.bpa(); // bad options fail here, on the driver, not in every task
        Dataset<Row> ordered = dataset.toDF().withColumn(ORDER, monotonically_increasing_id());
        List<Column> sort = new ArrayList<>();
        sort.add(col(getGroupCol()));
        if (!getLabelCol().isEmpty()) {
            sort.add(col(getLabelCol()).isNull()); // false (support) first
        }
        if (!getRowIdCol().isEmpty()) {
            sort.add(col(getRowIdCol()));
        }
        sort.add(col(ORDER));
        Dataset<Row> grouped = ordered.repartition(col(getGroupCol())).sortWithinPartitions(sort.toArray(Column[]::new));
        List<String> names = Arrays.asList(in.fieldNames());
        GroupTransform.Layout layout = new GroupTransform.Layout(in.size(), names.indexOf(getInputCol()),
                FeatureKind.of(in.apply(getInputCol()).dataType(), getInputCol()), names.indexOf(getGroupCol()),
                getLabelCol().isEmpty() ? -1 : names.indexOf(getLabelCol()),
                getRowIdCol().isEmpty() ? -1 : names.indexOf(getRowIdCol()), !getPositionCol().isEmpty(),
                getInputCol(), getGroupCol(), getRowIdCol());
        return grouped.mapPartitions(new GroupTransform(layout, settings, getTopK(), getMaxGroupRows()),
                Encoders.row(out));
    }

    /** The BPA options as they travel to the executors. */
    BpaSettings settings() {
        return new BpaSettings(Metric.parse(getMetric()), getReg(), getIterations(), getSigmoid(),
                getMaskDiagonal(), getMaxScale(), Device.parse(getDevice()),
                getPrecision().equals("input") ? null : DType.parse(getPrecision()));
    }

    // ---- the params (public methods returning each Param: Spark finds them by reflection) ----

    /**
     * The param {@code inputCol}: the column of each row's features: {@code array<float>}, {@code array<double>} or an
     * ML {@code Vector}, one length per group ["features"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> inputCol() {
        return inputCol;
    }

    /**
     * The param {@code groupCol}: the column whose distinct values are the sets: one BPA per value ["group"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> groupCol() {
        return groupCol;
    }

    /**
     * The param {@code labelCol}: the column of the support rows' labels (null for the others, any type, equal values
     * one class); empty for none ["" (no labels)].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> labelCol() {
        return labelCol;
    }

    /**
     * The param {@code rowIdCol}: the column that orders rows within a group and names a bad row in messages; empty for
     * the input order ["" (input order)].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> rowIdCol() {
        return rowIdCol;
    }

    /**
     * The param {@code outputCol}: the column added for each row's BPA row: dense (the group's size) or, with topK, its
     * k largest values ["bpa"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> outputCol() {
        return outputCol;
    }

    /**
     * The param {@code indicesCol}: the column added with topK &gt; 0: the group positions of the top-k values
     * ["bpaIndices"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> indicesCol() {
        return indicesCol;
    }

    /**
     * The param {@code positionCol}: the column added for each row's position in its group (column j of a row's output
     * is position j); empty to add none ["bpaPosition"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> positionCol() {
        return positionCol;
    }

    /**
     * The param {@code metric}: the cost between feature vectors: {@code cosine} or {@code euclidean} ["cosine"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> metric() {
        return metric;
    }

    /**
     * The param {@code reg}: the entropic regularisation ε, &gt; 0 [0.1].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public DoubleParam reg() {
        return reg;
    }

    /**
     * The param {@code iterations}: the Sinkhorn iterations T, ≥ 1 [10].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public IntParam iterations() {
        return iterations;
    }

    /**
     * The param {@code sigmoid}: whether Z = σ(logP) instead of exp(logP) [false].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public BooleanParam sigmoid() {
        return sigmoid;
    }

    /**
     * The param {@code maskDiagonal}: whether self-matching is forbidden (C_ii = 1e5, then Z_ii = 1) [true].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public BooleanParam maskDiagonal() {
        return maskDiagonal;
    }

    /**
     * The param {@code maxScale}: whether Z is divided by its largest entry [true].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public BooleanParam maxScale() {
        return maxScale;
    }

    /**
     * The param {@code device}: the backend on the executors: {@code auto}, {@code cpu}, {@code cuda} or
     * {@code reference} ["auto"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> device() {
        return device;
    }

    /**
     * The param {@code precision}: the output's precision: {@code input} (the features' own), {@code float32} or
     * {@code float64} ["input"].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public Param<String> precision() {
        return precision;
    }

    /**
     * The param {@code topK}: how many of each row's largest values are kept (a group of fewer rows keeps all of them),
     * 0 for the dense row [0].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public IntParam topK() {
        return topK;
    }

    /**
     * The param {@code maxGroupRows}: the largest group one task transforms; a larger one fails the job (one huge set
     * is DistributedBpa's job) [10000].
     *
     * @return the param, for a {@code ParamMap} or a {@code ParamGridBuilder}
     */
    public IntParam maxGroupRows() {
        return maxGroupRows;
    }

    /**
     * The value of {@code inputCol}: the column of each row's features: {@code array<float>}, {@code array<double>} or
     * an ML {@code Vector}, one length per group.
     *
     * @return the value set, else the default "features"
     */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /**
     * The value of {@code groupCol}: the column whose distinct values are the sets: one BPA per value.
     *
     * @return the value set, else the default "group"
     */
    public String getGroupCol() {
        return getOrDefault(groupCol);
    }

    /**
     * The value of {@code labelCol}: the column of the support rows' labels (null for the others, any type, equal
     * values one class); empty for none.
     *
     * @return the value set, else the default "" (no labels)
     */
    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    /**
     * The value of {@code rowIdCol}: the column that orders rows within a group and names a bad row in messages; empty
     * for the input order.
     *
     * @return the value set, else the default "" (input order)
     */
    public String getRowIdCol() {
        return getOrDefault(rowIdCol);
    }

    /**
     * The value of {@code outputCol}: the column added for each row's BPA row: dense (the group's size) or, with topK,
     * its k largest values.
     *
     * @return the value set, else the default "bpa"
     */
    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    /**
     * The value of {@code indicesCol}: the column added with topK &gt; 0: the group positions of the top-k values.
     *
     * @return the value set, else the default "bpaIndices"
     */
    public String getIndicesCol() {
        return getOrDefault(indicesCol);
    }

    /**
     * The value of {@code positionCol}: the column added for each row's position in its group (column j of a row's
     * output is position j); empty to add none.
     *
     * @return the value set, else the default "bpaPosition"
     */
    public String getPositionCol() {
        return getOrDefault(positionCol);
    }

    /**
     * The value of {@code metric}: the cost between feature vectors: {@code cosine} or {@code euclidean}.
     *
     * @return the value set, else the default "cosine"
     */
    public String getMetric() {
        return getOrDefault(metric);
    }

    /**
     * The value of {@code reg}: the entropic regularisation ε, &gt; 0.
     *
     * @return the value set, else the default 0.1
     */
    public double getReg() {
        return (Double) getOrDefault(reg);
    }

    /**
     * The value of {@code iterations}: the Sinkhorn iterations T, ≥ 1.
     *
     * @return the value set, else the default 10
     */
    public int getIterations() {
        return (Integer) getOrDefault(iterations);
    }

    /**
     * The value of {@code sigmoid}: whether Z = σ(logP) instead of exp(logP).
     *
     * @return the value set, else the default false
     */
    public boolean getSigmoid() {
        return (Boolean) getOrDefault(sigmoid);
    }

    /**
     * The value of {@code maskDiagonal}: whether self-matching is forbidden (C_ii = 1e5, then Z_ii = 1).
     *
     * @return the value set, else the default true
     */
    public boolean getMaskDiagonal() {
        return (Boolean) getOrDefault(maskDiagonal);
    }

    /**
     * The value of {@code maxScale}: whether Z is divided by its largest entry.
     *
     * @return the value set, else the default true
     */
    public boolean getMaxScale() {
        return (Boolean) getOrDefault(maxScale);
    }

    /**
     * The value of {@code device}: the backend on the executors: {@code auto}, {@code cpu}, {@code cuda} or
     * {@code reference}.
     *
     * @return the value set, else the default "auto"
     */
    public String getDevice() {
        return getOrDefault(device);
    }

    /**
     * The value of {@code precision}: the output's precision: {@code input} (the features' own), {@code float32} or
     * {@code float64}.
     *
     * @return the value set, else the default "input"
     */
    public String getPrecision() {
        return getOrDefault(precision);
    }

    /**
     * The value of {@code topK}: how many of each row's largest values are kept (a group of fewer rows keeps all of
     * them), 0 for the dense row.
     *
     * @return the value set, else the default 0
     */
    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    /**
     * The value of {@code maxGroupRows}: the largest group one task transforms; a larger one fails the job (one huge
     * set is DistributedBpa's job).
     *
     * @return the value set, else the default 10000
     */
    public int getMaxGroupRows() {
        return (Integer) getOrDefault(maxGroupRows);
    }

    /**
     * Sets {@code inputCol}: the column of each row's features: {@code array<float>}, {@code array<double>} or an ML
     * {@code Vector}, one length per group ["features"]. Checked against the schema by {@link #transformSchema} (an
     * {@link InvalidInputException}).
     *
     * @param value the column's name
     * @return this transformer
     */
    public BpaTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    /**
     * Sets {@code groupCol}: the column whose distinct values are the sets: one BPA per value ["group"]. Checked
     * against the schema by {@link #transformSchema} (an {@link InvalidInputException}).
     *
     * @param value the column's name (any type Spark can sort and hash)
     * @return this transformer
     */
    public BpaTransformer setGroupCol(String value) {
        set(groupCol, value);
        return this;
    }

    /**
     * Sets {@code labelCol}: the column of the support rows' labels (null for the others, any type, equal values one
     * class); empty for none ["" (no labels)]. Checked against the schema by {@link #transformSchema} (an
     * {@link InvalidInputException}).
     *
     * @param value the column's name, or "" for none
     * @return this transformer
     */
    public BpaTransformer setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    /**
     * Sets {@code rowIdCol}: the column that orders rows within a group and names a bad row in messages; empty for the
     * input order ["" (input order)]. Checked against the schema by {@link #transformSchema} (an
     * {@link InvalidInputException}).
     *
     * @param value the column's name, or "" for the input order
     * @return this transformer
     */
    public BpaTransformer setRowIdCol(String value) {
        set(rowIdCol, value);
        return this;
    }

    /**
     * Sets {@code outputCol}: the column added for each row's BPA row: dense (the group's size) or, with topK, its k
     * largest values ["bpa"]. Checked against the schema by {@link #transformSchema} (an
     * {@link InvalidInputException}).
     *
     * @param value a name not already in the input
     * @return this transformer
     */
    public BpaTransformer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    /**
     * Sets {@code indicesCol}: the column added with topK &gt; 0: the group positions of the top-k values
     * ["bpaIndices"]. Checked against the schema by {@link #transformSchema} (an {@link InvalidInputException}).
     *
     * @param value a name not already in the input
     * @return this transformer
     */
    public BpaTransformer setIndicesCol(String value) {
        set(indicesCol, value);
        return this;
    }

    /**
     * Sets {@code positionCol}: the column added for each row's position in its group (column j of a row's output is
     * position j); empty to add none ["bpaPosition"]. Checked against the schema by {@link #transformSchema} (an
     * {@link InvalidInputException}).
     *
     * @param value a name not already in the input, or "" for none
     * @return this transformer
     */
    public BpaTransformer setPositionCol(String value) {
        set(positionCol, value);
        return this;
    }

    /**
     * Sets {@code metric}: the cost between feature vectors: {@code cosine} or {@code euclidean} ["cosine"].
     *
     * @param value {@code cosine} or {@code euclidean}
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setMetric(String value) {
        set(metric, value);
        return this;
    }

    /**
     * Sets {@code reg}: the entropic regularisation ε, &gt; 0 [0.1].
     *
     * @param value ε, &gt; 0
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setReg(double value) {
        set(reg, value);
        return this;
    }

    /**
     * Sets {@code iterations}: the Sinkhorn iterations T, ≥ 1 [10].
     *
     * @param value T, ≥ 1
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setIterations(int value) {
        set(iterations, value);
        return this;
    }

    /**
     * Sets {@code sigmoid}: whether Z = σ(logP) instead of exp(logP) [false].
     *
     * @param value true for the sigmoid output
     * @return this transformer
     */
    public BpaTransformer setSigmoid(boolean value) {
        set(sigmoid, value);
        return this;
    }

    /**
     * Sets {@code maskDiagonal}: whether self-matching is forbidden (C_ii = 1e5, then Z_ii = 1) [true].
     *
     * @param value true to mask the diagonal
     * @return this transformer
     */
    public BpaTransformer setMaskDiagonal(boolean value) {
        set(maskDiagonal, value);
        return this;
    }

    /**
     * Sets {@code maxScale}: whether Z is divided by its largest entry [true].
     *
     * @param value true to max-scale
     * @return this transformer
     */
    public BpaTransformer setMaxScale(boolean value) {
        set(maxScale, value);
        return this;
    }

    /**
     * Sets {@code device}: the backend on the executors: {@code auto}, {@code cpu}, {@code cuda} or {@code reference}
     * ["auto"].
     *
     * @param value {@code auto}, {@code cpu}, {@code cuda} or {@code reference}
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setDevice(String value) {
        set(device, value);
        return this;
    }

    /**
     * Sets {@code precision}: the output's precision: {@code input} (the features' own), {@code float32} or
     * {@code float64} ["input"].
     *
     * @param value {@code input}, {@code float32} or {@code float64}
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setPrecision(String value) {
        set(precision, value);
        return this;
    }

    /**
     * Sets {@code topK}: how many of each row's largest values are kept (a group of fewer rows keeps all of them), 0
     * for the dense row [0].
     *
     * @param value k ≥ 0 (0: dense)
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setTopK(int value) {
        set(topK, value);
        return this;
    }

    /**
     * Sets {@code maxGroupRows}: the largest group one task transforms; a larger one fails the job (one huge set is
     * DistributedBpa's job) [10000].
     *
     * @param value the row limit, ≥ 1
     * @return this transformer
     * @throws IllegalArgumentException when the value fails the param's check
     */
    public BpaTransformer setMaxGroupRows(int value) {
        set(maxGroupRows, value);
        return this;
    }
}
