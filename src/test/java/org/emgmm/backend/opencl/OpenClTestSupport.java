package org.emgmm.backend.opencl;

import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the OpenCL device the tests run on. Without one the tests skip with a message, unless the environment
 * variable {@code EMGMM_REQUIRE_OPENCL=1} is set (CI), in which case they fail.
 */
public final class OpenClTestSupport {
    /** Environment variable that turns a missing OpenCL platform from a skip into a failure. */
    public static final String REQUIRE = "EMGMM_REQUIRE_OPENCL";

    private OpenClTestSupport() {
    }

    /** @return whether the environment demands OpenCL */
    public static boolean required() {
        return "1".equals(System.getenv(REQUIRE));
    }

    /**
     * @return the device to test on: a GPU if there is one, else the first device; skips (or fails when required)
     *     when OpenCL is unavailable
     */
    public static DeviceInfo device() {
        String why;
        try {
            List<DeviceInfo> all = OpenClBackend.devices();
            if (!all.isEmpty()) {
                return OpenClBackend.choose(all, System.getenv("EMGMM_TEST_DEVICE"), true);
            }
            why = "no OpenCL platform found";
        } catch (OpenClException | LinkageError e) {
            why = "OpenCL unavailable: " + e.getMessage();
        }
        if (required()) {
            Assertions.fail(why + " (and " + REQUIRE + "=1 requires OpenCL)");
        }
        Assumptions.assumeTrue(false, why + "; skipping OpenCL tests (set " + REQUIRE + "=1 to fail instead)");
        return null;
    }

    /**
     * Well-separated Gaussian blobs as float data (so float and double backends read the same values).
     *
     * @param n rows
     * @param d features
     * @param k blobs
     * @param offset added to every value
     * @param seed generator seed
     * @return the dataset
     */
    public static ArrayDataset blobs(int n, int d, int k, double offset, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] centers = new double[k][d];
        double[] sd = new double[k];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                centers[j][a] = 8 * r.nextDouble() - 4;
            }
            sd[j] = 0.5 + r.nextDouble();
        }
        float[] x = new float[n * d];
        for (int i = 0; i < n; i++) {
            int j = r.nextInt(k);
            double shear = gauss(r);
            for (int a = 0; a < d; a++) {
                x[i * d + a] = (float) (offset + centers[j][a] + sd[j] * (gauss(r) + 0.3 * shear * (a % 2)));
            }
        }
        return ArrayDataset.of(x, d, null);
    }

    static double gauss(SplittableRandom r) {
        double u = r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u)) * Math.cos(2 * Math.PI * v);
    }
}
