package org.emgmm.spark;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** Column checks and the output schema, shared by the estimator and the model. */
final class Schemas {
    private Schemas() {
    }

    /**
     * Checks that the input columns exist and have usable types.
     *
     * @param schema the data's schema
     * @param featuresCol column of ML vectors
     * @param weightCol numeric weight column, or null
     * @throws IllegalArgumentException naming the column
     */
    static void checkInputs(StructType schema, String featuresCol, String weightCol) {
        DataType f = field(schema, featuresCol, "featuresCol").dataType();
        if (!f.equals(SQLDataTypes.VectorType())) {
            throw new IllegalArgumentException("column '" + featuresCol + "' (featuresCol) is of type "
                    + f.simpleString() + "; it must hold ML vectors (assemble numeric columns with a VectorAssembler)");
        }
        if (weightCol != null) {
            DataType w = field(schema, weightCol, "weightCol").dataType();
            if (!(w instanceof NumericType)) {
                throw new IllegalArgumentException("column '" + weightCol + "' (weightCol) is of type "
                        + w.simpleString() + "; sample weights must be numeric");
            }
        }
    }

    private static StructField field(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("unknown column '" + name + "' (" + param + "); the data has columns: "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.apply(name);
    }

    /**
     * @param schema input schema (checked)
     * @param predictionCol name of the integer prediction column
     * @param probabilityCol name of the probability vector column
     * @return the schema with both appended
     * @throws IllegalArgumentException when an output column already exists
     */
    static StructType withOutputs(StructType schema, String predictionCol, String probabilityCol) {
        for (String c : new String[] {predictionCol, probabilityCol}) {
            if (Arrays.asList(schema.fieldNames()).contains(c)) {
                throw new IllegalArgumentException("output column '" + c + "' already exists in the data");
            }
        }
        return schema.add(predictionCol, DataTypes.IntegerType, false)
                .add(probabilityCol, SQLDataTypes.VectorType(), false);
    }
}
