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

    private final String uid;
    private final Param<String> inputCol;
    private final Param<String> groupCol;
    private final Param<String> labelCol;
    private final Param<String> rowIdCol;
    private final Param<String> outputCol;
    private final Param<String> indicesCol;
    private final Param<String> positionCol;
    private final Param<String> metric;
    private final DoubleParam reg;
    private final IntParam iterations;
    private final BooleanParam sigmoid;
    private final BooleanParam maskDiagonal;
    private final BooleanParam maxScale;
    private final Param<String> device;
    private final Param<String> precision;
    private final IntParam topK;
    private final IntParam maxGroupRows;

    public BpaTransformer() {
        this(Identifiable$.MODULE$.randomUID("bpa"));
    }

    /** With a given uid (what loading and copying use). */
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

    public static MLReader<BpaTransformer> read() {
        return new DefaultParamsReader<>();
    }

    public static BpaTransformer load(String path) {
        return read().load(path);
    }

    // ---- the transform ----

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

    public Param<String> inputCol() {
        return inputCol;
    }

    public Param<String> groupCol() {
        return groupCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> rowIdCol() {
        return rowIdCol;
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> indicesCol() {
        return indicesCol;
    }

    public Param<String> positionCol() {
        return positionCol;
    }

    public Param<String> metric() {
        return metric;
    }

    public DoubleParam reg() {
        return reg;
    }

    public IntParam iterations() {
        return iterations;
    }

    public BooleanParam sigmoid() {
        return sigmoid;
    }

    public BooleanParam maskDiagonal() {
        return maskDiagonal;
    }

    public BooleanParam maxScale() {
        return maxScale;
    }

    public Param<String> device() {
        return device;
    }

    public Param<String> precision() {
        return precision;
    }

    public IntParam topK() {
        return topK;
    }

    public IntParam maxGroupRows() {
        return maxGroupRows;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public String getGroupCol() {
        return getOrDefault(groupCol);
    }

    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    public String getRowIdCol() {
        return getOrDefault(rowIdCol);
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getIndicesCol() {
        return getOrDefault(indicesCol);
    }

    public String getPositionCol() {
        return getOrDefault(positionCol);
    }

    public String getMetric() {
        return getOrDefault(metric);
    }

    public double getReg() {
        return (Double) getOrDefault(reg);
    }

    public int getIterations() {
        return (Integer) getOrDefault(iterations);
    }

    public boolean getSigmoid() {
        return (Boolean) getOrDefault(sigmoid);
    }

    public boolean getMaskDiagonal() {
        return (Boolean) getOrDefault(maskDiagonal);
    }

    public boolean getMaxScale() {
        return (Boolean) getOrDefault(maxScale);
    }

    public String getDevice() {
        return getOrDefault(device);
    }

    public String getPrecision() {
        return getOrDefault(precision);
    }

    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    public int getMaxGroupRows() {
        return (Integer) getOrDefault(maxGroupRows);
    }

    public BpaTransformer setInputCol(String value) {
        set(inputCol, value);
        return this;
    }

    public BpaTransformer setGroupCol(String value) {
        set(groupCol, value);
        return this;
    }

    /** Labels of the support rows; '' for none. */
    public BpaTransformer setLabelCol(String value) {
        set(labelCol, value);
        return this;
    }

    public BpaTransformer setRowIdCol(String value) {
        set(rowIdCol, value);
        return this;
    }

    public BpaTransformer setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public BpaTransformer setIndicesCol(String value) {
        set(indicesCol, value);
        return this;
    }

    public BpaTransformer setPositionCol(String value) {
        set(positionCol, value);
        return this;
    }

    public BpaTransformer setMetric(String value) {
        set(metric, value);
        return this;
    }

    public BpaTransformer setReg(double value) {
        set(reg, value);
        return this;
    }

    public BpaTransformer setIterations(int value) {
        set(iterations, value);
        return this;
    }

    public BpaTransformer setSigmoid(boolean value) {
        set(sigmoid, value);
        return this;
    }

    public BpaTransformer setMaskDiagonal(boolean value) {
        set(maskDiagonal, value);
        return this;
    }

    public BpaTransformer setMaxScale(boolean value) {
        set(maxScale, value);
        return this;
    }

    public BpaTransformer setDevice(String value) {
        set(device, value);
        return this;
    }

    public BpaTransformer setPrecision(String value) {
        set(precision, value);
        return this;
    }

    public BpaTransformer setTopK(int value) {
        set(topK, value);
        return this;
    }

    public BpaTransformer setMaxGroupRows(int value) {
        set(maxGroupRows, value);
        return this;
    }
}
