package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Each bad input is reported before the first iteration, naming column, partition and row. */
class BadInputTest {
    static final StructType SCHEMA = new StructType().add("features", SQLDataTypes.VectorType(), true)
            .add("w", DataTypes.DoubleType, true);

    /** 8 good rows over 2 partitions (rows 0-3 in partition 0, 4-7 in partition 1), row 6 replaced. */
    static Dataset<Row> withRow6(Object features, Object weight) {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rows.add(i == 6 ? RowFactory.create(features, weight)
                    : RowFactory.create(Vectors.dense(i, i % 3), 1.0));
        }
        return TestData.frame(rows, SCHEMA, 2);
    }

    static String fitError(Dataset<Row> df, GaussianMixture gm) {
        return assertThrows(IllegalArgumentException.class, () -> gm.fit(df)).getMessage();
    }

    static GaussianMixture gm() {
        return new GaussianMixture().setK(2).setBackend("cpu").setWeightCol("w");
    }

    static final String WHERE = "at partition 1, row 2 (0-based, within the partition)";

    @Test
    void nullFeatures() {
        assertEquals("null in column 'features' " + WHERE, fitError(withRow6(null, 1.0), gm()));
    }

    @Test
    void nanAndInfiniteFeatures() {
        assertEquals("NaN in column 'features' (element 1) " + WHERE,
                fitError(withRow6(Vectors.dense(1, Double.NaN), 1.0), gm()));
        assertEquals("Infinity in column 'features' (element 0) " + WHERE,
                fitError(withRow6(Vectors.dense(Double.POSITIVE_INFINITY, 1), 1.0), gm()));
        assertEquals("-Infinity in column 'features' (element 1) " + WHERE,
                fitError(withRow6(Vectors.sparse(2, new int[] {1}, new double[] {Double.NEGATIVE_INFINITY}), 1.0),
                        gm()));
    }

    @Test
    void mixedVectorLengths() {
        assertEquals("mixed vector lengths in column 'features': 3 values " + WHERE
                        + ", 2 at row 0 of partition 1",
                fitError(withRow6(Vectors.dense(1, 2, 3), 1.0), gm()));
        // Across partitions: every vector of partition 1 is longer.
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            rows.add(RowFactory.create(i < 4 ? Vectors.dense(i, 1) : Vectors.dense(i, 1, 2), 1.0));
        }
        assertEquals("mixed vector lengths in column 'features': 3 values at partition 1, row 0, 2 at partition 0, "
                + "row 0", fitError(TestData.frame(rows, SCHEMA, 2), gm()));
    }

    @Test
    void negativeOrMissingWeight() {
        assertEquals("weight -0.5 in column 'w' " + WHERE + ": sample weights must be finite and non-negative",
                fitError(withRow6(Vectors.dense(1, 2), -0.5), gm()));
        assertEquals("null in column 'w' " + WHERE + ": sample weights must be finite and non-negative",
                fitError(withRow6(Vectors.dense(1, 2), null), gm()));
    }

    @Test
    void kLargerThanRows() {
        assertEquals("k = 9 is larger than the number of rows (8)",
                fitError(withRow6(Vectors.dense(1, 2), 1.0), gm().setK(9)));
    }

    @Test
    void unknownColumns() {
        assertEquals("unknown column 'x' (featuresCol); the data has columns: features, w",
                fitError(withRow6(Vectors.dense(1, 2), 1.0), gm().setFeaturesCol("x")));
        assertEquals("unknown column 'weight' (weightCol); the data has columns: features, w",
                fitError(withRow6(Vectors.dense(1, 2), 1.0), gm().setWeightCol("weight")));
        assertEquals("column 'w' (featuresCol) is of type double; it must hold ML vectors (assemble numeric "
                + "columns with a VectorAssembler)", fitError(withRow6(Vectors.dense(1, 2), 1.0),
                gm().setFeaturesCol("w")));
    }

    @Test
    void initialModelOfOtherShape() {
        org.emgmm.MixtureModel start = org.emgmm.MixtureModel.of(org.emgmm.config.CovarianceType.DIAG,
                new double[] {0.5, 0.5}, new double[] {0, 0, 0, 1, 1, 1}, new double[] {1, 1, 1, 1, 1, 1});
        assertEquals("the initial model has 3 features but column 'features' has 2",
                fitError(withRow6(Vectors.dense(1, 2), 1.0), gm().setInitialModel(start)));
        assertEquals("k = 3 does not match the initial model, which has 2 components",
                fitError(withRow6(Vectors.dense(1, 2), 1.0), gm().setInitialModel(start).setK(3)));
    }
}
