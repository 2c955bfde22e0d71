package org.bpa4j.spark;

import org.bpa4j.InvalidInputException;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.bpa4j.DType;

/** The column types a row's features may come in, and the precision each gives the transform. */
enum FeatureKind {
    FLOAT_ARRAY(DType.FLOAT32),
    DOUBLE_ARRAY(DType.FLOAT64),
    ML_VECTOR(DType.FLOAT64);

    private final DType dtype;

    FeatureKind(DType dtype) {
        this.dtype = dtype;
    }

    /** The precision the input is read in (and the output's, unless a precision is set). */
    DType dtype() {
        return dtype;
    }

    /** The kind of a column of this type, or an IllegalArgumentException naming the column and the types taken. */
    static FeatureKind of(DataType type, String column) {
        if (type instanceof ArrayType a && a.elementType().equals(DataTypes.FloatType)) {
            return FLOAT_ARRAY;
        }
        if (type instanceof ArrayType a && a.elementType().equals(DataTypes.DoubleType)) {
            return DOUBLE_ARRAY;
        }
        if (type.equals(SQLDataTypes.VectorType())) {
            return ML_VECTOR;
        }
        throw new InvalidInputException("BpaTransformer: input column '" + column + "' is " + type.simpleString()
                + "; expected array<float>, array<double> or an ML Vector");
    }
}
