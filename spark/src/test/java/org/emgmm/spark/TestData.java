package org.emgmm.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The shared local[2] session and DataFrames with rows in a known order over a chosen number of partitions. */
final class TestData {
    private static SparkSession spark;

    private TestData() {
    }

    /** @return the session all tests share (local[2], no UI) */
    static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder().master("local[2]").appName("emgmm-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.sql.shuffle.partitions", "4")
                    .config("spark.driver.host", "127.0.0.1")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * @param x row-major values
     * @param d features
     * @param w weights or null (no weight column)
     * @param partitions number of partitions (rows in order: partition 0 holds the first rows)
     * @return a DataFrame with "features" (vector) and, with weights, "w" (double)
     */
    static Dataset<Row> frame(double[] x, int d, double[] w, int partitions) {
        int n = x.length / d;
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double[] r = new double[d];
            System.arraycopy(x, i * d, r, 0, d);
            rows.add(w == null ? RowFactory.create(Vectors.dense(r)) : RowFactory.create(Vectors.dense(r), w[i]));
        }
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType(), true);
        if (w != null) {
            schema = schema.add("w", DataTypes.DoubleType, true);
        }
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark().sparkContext());
        return spark().createDataFrame(jsc.parallelize(rows, partitions), schema);
    }

    /**
     * @param rows rows of the given schema
     * @param schema schema
     * @param partitions partitions
     * @return the DataFrame
     */
    static Dataset<Row> frame(List<Row> rows, StructType schema, int partitions) {
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark().sparkContext());
        return spark().createDataFrame(jsc.parallelize(rows, partitions), schema);
    }
}
