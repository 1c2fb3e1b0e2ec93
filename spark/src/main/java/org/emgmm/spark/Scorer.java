package org.emgmm.spark;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.emgmm.MixtureModel;
import org.emgmm.data.ArrayDataset;

/**
 * The model's transform of one partition: rows are read in blocks of {@value #BLOCK}, their features packed into one
 * array and scored with the core model's {@code predictProba}; each row leaves with the most probable component
 * and the K probabilities appended. Holds one block at a time.
 */
final class Scorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    /** Rows scored together. */
    static final int BLOCK = 4096;

    private final String modelJson;
    private final int featureIndex;
    private final String featuresCol;

    Scorer(String modelJson, int featureIndex, String featuresCol) {
        this.modelJson = modelJson;
        this.featureIndex = featureIndex;
        this.featuresCol = featuresCol;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        MixtureModel model = MixtureModel.fromJson(modelJson);
        int partition = TaskContext.get() == null ? -1 : TaskContext.get().partitionId();
        return new Iterator<>() {
            private final List<Row> block = new ArrayList<>(BLOCK);
            private double[][] proba;
            private int next;
            private long rowsBefore;

            @Override
            public boolean hasNext() {
                if (next < block.size()) {
                    return true;
                }
                rowsBefore += block.size();
                block.clear();
                next = 0;
                while (block.size() < BLOCK && input.hasNext()) {
                    block.add(input.next());
                }
                if (block.isEmpty()) {
                    return false;
                }
                proba = model.predictProba(pack(block, model.nFeatures(), partition, rowsBefore));
                return true;
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Row r = block.get(next);
                double[] p = proba[next++];
                int best = 0;
                for (int j = 1; j < p.length; j++) {
                    if (p[j] > p[best]) {
                        best = j;
                    }
                }
                Object[] values = new Object[r.length() + 2];
                for (int i = 0; i < r.length(); i++) {
                    values[i] = r.get(i);
                }
                values[r.length()] = best;
                values[r.length() + 1] = Vectors.dense(p);
                return RowFactory.create(values);
            }
        };
    }

    private ArrayDataset pack(List<Row> rows, int d, int partition, long first) {
        double[] x = new double[rows.size() * d];
        for (int i = 0; i < rows.size(); i++) {
            Object o = rows.get(i).get(featureIndex);
            String where = "partition " + partition + ", row " + (first + i) + " (0-based, within the partition)";
            if (o == null) {
                throw new IllegalArgumentException("null in column '" + featuresCol + "' at " + where);
            }
            Vector v = (Vector) o;
            if (v.size() != d) {
                throw new IllegalArgumentException("column '" + featuresCol + "' has " + v.size() + " values at "
                        + where + "; the model has " + d + " features");
            }
            for (int a = 0; a < d; a++) {
                double xa = v.apply(a);
                if (!Double.isFinite(xa)) {
                    throw new IllegalArgumentException(xa + " in column '" + featuresCol + "' (element " + a
                            + ") at " + where);
                }
                x[i * d + a] = xa;
            }
        }
        return ArrayDataset.of(x, d, null, "Spark partition " + partition);
    }
}
