package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.emgmm.CovarianceType;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.Precision;
import org.emgmm.Tolerances;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.SufficientStatistics;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenCL backend against the CPU backend (CheckMultiThreadAgainstSingleThread in spirit): same data, same
 * start, same settings; the same number of iterations and the same parameters within the per-precision tolerances
 * of issue 3 (double: parameters 1e-6, lower bound 1e-9 relative; float: parameters 1e-3, lower bound 1e-5).
 */
class OpenClVsCpuTest {
    static final double DOUBLE_PARAMS = Tolerances.PARAM_F64;
    static final double DOUBLE_LB = Tolerances.LOWER_BOUND_F64;
    static final double FLOAT_PARAMS = Tolerances.PARAM_F32;
    static final double FLOAT_LB = Tolerances.LOWER_BOUND_F32;

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (CovarianceType t : CovarianceType.values()) {
            for (Precision p : Precision.values()) {
                out.add(Arguments.of(t, p, false));
            }
            out.add(Arguments.of(t, Precision.FLOAT, true));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} {1} weighted={2}")
    @MethodSource("cases")
    void sameIterationsAndParameters(CovarianceType type, Precision precision, boolean weighted) {
        DeviceInfo dev = OpenClTestSupport.device();
        ArrayDataset data = OpenClTestSupport.blobs(6000, 3, 4, 0, 11);
        if (weighted) {
            SplittableRandom r = new SplittableRandom(7);
            double[] w = new double[(int) data.rows()];
            for (int i = 0; i < w.length; i++) {
                w[i] = r.nextInt(4) * 0.5; // includes zero weights
            }
            data = data.withWeights(w);
        }
        GmmSettings s = GmmSettings.builder().k(4).covarianceType(type).seed(3).tol(1e-4).maxIter(200)
                .precision(precision).build();
        compare(dev, s, data);
    }

    /** A GPU's plan, forced on whatever device runs the tests: 256 work-items, one accumulator task per item. */
    static final PlanOverride GPU_SHAPED = PlanOverride.none().withWorkGroupSize(256).withTasksPerItem(1);

    static Stream<Arguments> gpuShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int d : new int[] {1, 16, 64}) {
            for (int k : new int[] {1, 16, 128}) {
                for (CovarianceType t : CovarianceType.values()) {
                    for (Precision p : Precision.values()) {
                        out.add(Arguments.of(d, k, t, p));
                    }
                }
            }
        }
        return out.stream();
    }

    /**
     * One pass at a GPU-shaped plan (work-groups of 256, one accumulator task per work-item, so components are split
     * into several accum launches where their tiles do not fit, and rows into phases where they do) against the CPU
     * backend's pass in double, from the same parameters: statistics within 1e-9 (double) or 2e-4 (float) of each
     * array's scale, the log-likelihood within 1e-12 or 1e-6 relative. The data (weighted) span several tiles.
     */
    @ParameterizedTest(name = "D={0} K={1} {2} {3}")
    @MethodSource("gpuShapes")
    void gpuShapedPassAgreesWithCpu(int d, int k, CovarianceType type, Precision precision) {
        passAgreesWithCpu(d, k, type, precision, GPU_SHAPED);
    }

    static Stream<Arguments> rowLoopShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int[] dk : new int[][] {{1, 1}, {16, 16}, {5, 3}, {64, 16}}) {
            for (CovarianceType t : CovarianceType.values()) {
                for (Precision p : Precision.values()) {
                    out.add(Arguments.of(dk[0], dk[1], t, p));
                }
            }
        }
        return out.stream();
    }

    /**
     * The accumulation's one-row-at-a-time layout (PlanOverride.withRowLoop, the GPU layout to measure), at the
     * NVIDIA default shape (groups of 64, one task per item) and at groups of 256 (rows in phases), against the
     * CPU backend's pass as above.
     */
    @ParameterizedTest(name = "D={0} K={1} {2} {3}")
    @MethodSource("rowLoopShapes")
    void rowLoopPassAgreesWithCpu(int d, int k, CovarianceType type, Precision precision) {
        passAgreesWithCpu(d, k, type, precision, PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1)
                .withRowLoop(true));
        passAgreesWithCpu(d, k, type, precision, GPU_SHAPED.withRowLoop(true));
    }

    private static void passAgreesWithCpu(int d, int k, CovarianceType type, Precision precision, PlanOverride plan) {
        DeviceInfo dev = OpenClTestSupport.device();
        int n = 700;
        ArrayDataset data = OpenClTestSupport.blobs(n, d, Math.min(k, 8), 0, 31 + d + k);
        SplittableRandom r = new SplittableRandom(d * 1000 + k);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = 0.5 + r.nextDouble();
        }
        data = data.withWeights(w);
        double[] weights = new double[k];
        double[] means = new double[k * d];
        float[] row = new float[d];
        for (int j = 0; j < k; j++) {
            weights[j] = 1.0 / k;
            data.read(j * 5L % n, 1, row, 0);
            for (int a = 0; a < d; a++) {
                means[j * d + a] = row[a] + 0.1 * r.nextDouble();
            }
        }
        Gaussians g = Gaussians.of(type, weights, means, covariances(type, k, d, r), 0);
        SufficientStatistics ref;
        try (CpuBackend cpu = new CpuBackend(1, Precision.DOUBLE); Pass p = cpu.prepare(data, k, type)) {
            ref = p.accumulate(g);
        }
        SufficientStatistics st;
        try (OpenClBackend b = OpenClBackend.create(dev, precision, 0, plan);
             Pass p = b.prepare(data, k, type)) {
            st = p.accumulate(g);
        }
        boolean dbl = precision == Precision.DOUBLE;
        double tol = dbl ? 1e-9 : 2e-4;
        String what = "D=" + d + " K=" + k + " " + type + " " + precision + " " + plan;
        assertEquals(ref.logLik, st.logLik, (dbl ? 1e-12 : 1e-6) * Math.abs(ref.logLik), what + " logLik");
        assertEquals(ref.weightSum, st.weightSum, (dbl ? 1e-12 : 1e-6) * ref.weightSum, what + " weight");
        close(ref.s0, st.s0, tol, what + " s0");
        close(ref.s1, st.s1, tol, what + " s1");
        close(upper(ref.s2, type, k, d), upper(st.s2, type, k, d), tol, what + " s2");
    }

    /** Random positive-definite covariances of the given type (diagonal 0.5-1.5, small correlations). */
    static double[] covariances(CovarianceType type, int k, int d, SplittableRandom r) {
        int m = type == CovarianceType.FULL ? k : 1;
        switch (type) {
            case SPHERICAL:
            case DIAG: {
                double[] c = new double[type == CovarianceType.DIAG ? k * d : k];
                for (int i = 0; i < c.length; i++) {
                    c[i] = 0.5 + r.nextDouble();
                }
                return c;
            }
            default: {
                double[] c = new double[m * d * d];
                for (int j = 0; j < m; j++) {
                    for (int a = 0; a < d; a++) {
                        c[(j * d + a) * d + a] = 0.8 + r.nextDouble();
                        for (int b = 0; b < a; b++) {
                            double v = 0.3 / d * (r.nextDouble() - 0.5);
                            c[(j * d + a) * d + b] = v;
                            c[(j * d + b) * d + a] = v;
                        }
                    }
                }
                return c;
            }
        }
    }

    /** The statistics' S2 with the (undefined) lower triangle zeroed for full/tied. */
    static double[] upper(double[] s2, CovarianceType type, int k, int d) {
        double[] c = s2.clone();
        if (type.needsOuterProducts()) {
            for (int j = 0; j < k; j++) {
                for (int a = 0; a < d; a++) {
                    for (int b = 0; b < a; b++) {
                        c[(j * d + a) * d + b] = 0;
                    }
                }
            }
        }
        return c;
    }

    static void compare(DeviceInfo dev, GmmSettings s, Dataset data) {
        compare(dev, s, data, PlanOverride.none());
    }

    static void compare(DeviceInfo dev, GmmSettings s, Dataset data, PlanOverride plan) {
        MixtureModel cpu;
        try (Backend b = new CpuBackend(2, Precision.DOUBLE)) {
            cpu = new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
        MixtureModel ocl;
        try (Backend b = OpenClBackend.create(dev, s.precision(), 0, plan)) {
            ocl = new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
        boolean dbl = s.precision() == Precision.DOUBLE;
        double pt = dbl ? DOUBLE_PARAMS : FLOAT_PARAMS;
        double lt = dbl ? DOUBLE_LB : FLOAT_LB;
        String what = s.covarianceType() + " " + s.precision();
        assertEquals(cpu.nIter(), ocl.nIter(), () -> what + ": iterations; lower bounds cpu "
                + java.util.Arrays.toString(cpu.lowerBoundHistory()) + " opencl "
                + java.util.Arrays.toString(ocl.lowerBoundHistory()));
        assertEquals(cpu.converged(), ocl.converged(), what + ": converged");
        assertEquals(cpu.lowerBound(), ocl.lowerBound(), lt * Math.abs(cpu.lowerBound()), what + ": lower bound");
        double[] h1 = cpu.lowerBoundHistory();
        double[] h2 = ocl.lowerBoundHistory();
        for (int i = 0; i < h1.length; i++) {
            assertEquals(h1[i], h2[i], lt * Math.abs(h1[i]), what + ": lower bound at iteration " + (i + 1));
        }
        close(cpu.weights(), ocl.weights(), pt, what + " weights");
        close(cpu.meansFlat(), ocl.meansFlat(), pt, what + " means");
        close(cpu.covariancesFlat(), ocl.covariancesFlat(), pt, what + " covariances");
        assertEquals("opencl", ocl.backend());
        assertTrue(ocl.device().contains(dev.name()), ocl.device());
    }

    /** Relative closeness, with an absolute floor of tol times the array's largest magnitude (for values near 0). */
    static void close(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            assertEquals(e, actual[i], tol * Math.max(Math.abs(e), scale), what + "[" + i + "]");
        }
    }
}
