package org.emgmm.backend.opencl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.emgmm.data.ArrayDataset;

/**
 * Host staging fill rate, one thread against {@link StagingFill#THREADS}, in the same run and alternated: one
 * streamed chunk of 64 MiB of device data (float from float data, double from float data), repeated. Prints the
 * median GB/s of each and their ratio. No OpenCL needed: {@code java -cp ... org.emgmm.backend.opencl.StagingFillBench
 * [reps]}.
 */
public final class StagingFillBench {
    private StagingFillBench() {
    }

    /** @param args repetitions (default 15) */
    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int d = 16;
        int rows = (64 << 20) / (d * 4);
        float[] x = new float[rows * d];
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        ArrayDataset data = ArrayDataset.of(x, d, null);
        System.out.printf(Locale.ROOT, "staging fill, %d rows x %d, %d cores, THREADS=%d%n", rows, d,
                Runtime.getRuntime().availableProcessors(), StagingFill.THREADS);
        for (boolean asFloat : new boolean[] {true, false}) {
            ByteBuffer buf = ByteBuffer.allocateDirect(rows * d * (asFloat ? 4 : 8)).order(ByteOrder.nativeOrder());
            double[] one = new double[reps];
            double[] many = new double[reps];
            for (int i = 0; i < reps + 2; i++) {
                long t0 = System.nanoTime();
                StagingFill.fill(data, buf, 0, rows, asFloat, false, 1);
                long t1 = System.nanoTime();
                StagingFill.fill(data, buf, 0, rows, asFloat, false, StagingFill.THREADS);
                long t2 = System.nanoTime();
                if (i >= 2) { // two warm-up rounds
                    one[i - 2] = buf.capacity() / (double) (t1 - t0);
                    many[i - 2] = buf.capacity() / (double) (t2 - t1);
                }
            }
            Arrays.sort(one);
            Arrays.sort(many);
            double m1 = one[reps / 2];
            double mn = many[reps / 2];
            System.out.printf(Locale.ROOT, "%s: 1 thread %.2f GB/s, %d threads %.2f GB/s, ratio %.2f%n",
                    asFloat ? "float" : "double", m1, StagingFill.THREADS, mn, mn / m1);
        }
    }
}
