package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.SplittableRandom;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The staging buffers filled by several threads hold exactly the rows a plain sequential read gives, in order, for
 * features and weights, in float and double, for row counts around the part boundaries. No OpenCL needed.
 */
class StagingFillTest {

    @ParameterizedTest
    @ValueSource(ints = {1, StagingFill.BLOCK - 1, StagingFill.BLOCK, 3 * StagingFill.BLOCK + 7,
        9 * StagingFill.BLOCK + 1})
    void partsAddUpToTheSequentialRead(int rows) {
        int d = 3;
        long start = 5;
        int n = rows + 11;
        SplittableRandom r = new SplittableRandom(rows);
        double[] x = new double[n * d];
        double[] w = new double[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble() * 100 - 50;
        }
        for (int i = 0; i < n; i++) {
            w[i] = r.nextDouble();
        }
        ArrayDataset data = ArrayDataset.of(x, d, w);
        for (boolean asFloat : new boolean[] {true, false}) {
            ByteBuffer buf = ByteBuffer.allocateDirect(rows * d * 8).order(ByteOrder.nativeOrder());
            ByteBuffer wbuf = ByteBuffer.allocateDirect(rows * 8).order(ByteOrder.nativeOrder());
            StagingFill.fill(data, buf, start, rows, asFloat, false);
            StagingFill.fill(data, wbuf, start, rows, asFloat, true);
            for (int i = 0; i < rows * d; i++) {
                double expect = x[(int) start * d + i];
                double got = asFloat ? buf.getFloat(4 * i) : buf.getDouble(8 * i);
                assertEquals(asFloat ? (float) expect : expect, got, 0.0, "value " + i + " float=" + asFloat);
            }
            for (int i = 0; i < rows; i++) {
                double expect = w[(int) start + i];
                double got = asFloat ? wbuf.getFloat(4 * i) : wbuf.getDouble(8 * i);
                assertEquals(asFloat ? (float) expect : expect, got, 0.0, "weight " + i + " float=" + asFloat);
            }
        }
    }
}
