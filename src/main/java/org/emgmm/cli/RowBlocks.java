package org.emgmm.cli;

import java.io.IOException;
import org.emgmm.data.Dataset;

/** Walks a dataset in blocks of rows, so per-sample output streams without holding N results in memory. */
final class RowBlocks {
    /** Rows per block. */
    static final int BLOCK = 4096;

    private RowBlocks() {
    }

    /** Receives one row. */
    @FunctionalInterface
    interface RowConsumer {
        void accept(long row, double[] x) throws IOException;
    }

    /**
     * @param data the dataset
     * @param modelFeatures the model's feature count, checked against the data's first
     * @param consumer receives each row (the array is reused)
     * @throws IOException from the consumer
     */
    static void forEach(Dataset data, int modelFeatures, RowConsumer consumer) throws IOException {
        int d = data.dims();
        if (d != modelFeatures) {
            throw new IllegalArgumentException("the data (" + data.describe() + ") has " + d
                    + " features but the model has " + modelFeatures);
        }
        double[] buf = new double[BLOCK * d];
        double[] x = new double[d];
        for (long start = 0; start < data.rows(); start += BLOCK) {
            int count = (int) Math.min(BLOCK, data.rows() - start);
            data.read(start, count, buf, 0);
            for (int i = 0; i < count; i++) {
                System.arraycopy(buf, i * d, x, 0, d);
                consumer.accept(start + i, x);
            }
        }
    }
}
