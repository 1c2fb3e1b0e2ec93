package org.emgmm.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.Tolerances;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Pass;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
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

    static Stream<Arguments> fusedShapes() {
        List<Arguments> out = new ArrayList<>();
        for (int[] dk : new int[][] {{1, 1}, {16, 16}, {5, 3}, {3, 7}}) {
            for (CovarianceType t : new CovarianceType[] {CovarianceType.DIAG, CovarianceType.SPHERICAL}) {
                for (Precision p : Precision.values()) {
                    out.add(Arguments.of(dk[0], dk[1], t, p));
                }
            }
        }
        return out.stream();
    }

    /**
     * The fused E step and accumulation (PlanOverride.withFused, kernels/fused.cl), diag and spherical, weighted, at
     * the NVIDIA default shape (groups of 64, one task per item), at groups of 256 (rows in phases) and with the
     * one-row layout: the plan must be fused, and its pass agree with the CPU backend's as above.
     */
    @ParameterizedTest(name = "D={0} K={1} {2} {3}")
    @MethodSource("fusedShapes")
    void fusedPassAgreesWithCpu(int d, int k, CovarianceType type, Precision precision) {
        for (PlanOverride o : new PlanOverride[] {PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1),
                GPU_SHAPED, GPU_SHAPED.withRowLoop(true)}) {
            PlanOverride f = o.withFused(true);
            KernelPlan plan = KernelPlan.of(OpenClTestSupport.device(), precision, 700, d, k, type, true, 0, f);
            assertTrue(plan.fused && plan.toString().contains(" fused"), plan.toString());
            passAgreesWithCpu(d, k, type, precision, f);
        }
    }

    /**
     * With the same work-group size, tile and tasks per item the fused kernel adds the same terms in the same order
     * as estep + accum (the responsibilities are the same reals, kept in local memory): the statistics are the same
     * bits. 20,000 weighted rows in tiles of 16, so each work-group runs several tiles and FLUSH runs.
     */
    @ParameterizedTest(name = "D={0} K={1} {2} {3}")
    @MethodSource("fusedShapes")
    void fusedPassIsBitIdenticalToTwoKernels(int d, int k, CovarianceType type, Precision precision) {
        ArrayDataset data = OpenClTestSupport.blobs(20000, d, Math.min(k, 8), 0, 5 + d + k);
        SplittableRandom r = new SplittableRandom(d * 77 + k);
        double[] w = new double[20000];
        for (int i = 0; i < w.length; i++) {
            w[i] = r.nextInt(3) * 0.75; // includes zero weights
        }
        data = data.withWeights(w);
        Gaussians g = startOf(data, d, k, type, r);
        PlanOverride two = PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1).withTileRows(16);
        SufficientStatistics a = devicePass(data, k, type, precision, two, g);
        SufficientStatistics b = devicePass(data, k, type, precision, two.withFused(true), g);
        String what = "D=" + d + " K=" + k + " " + type + " " + precision;
        assertEquals(a.logLik, b.logLik, 0.0, what + " logLik");
        assertEquals(a.weightSum, b.weightSum, 0.0, what + " weight");
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.s0, b.s0, 0.0, what + " s0");
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.s1, b.s1, 0.0, what + " s1");
        org.junit.jupiter.api.Assertions.assertArrayEquals(a.s2, b.s2, 0.0, what + " s2");
    }

    /**
     * Where the fused kernel cannot apply the plan falls back to the two kernels (documented on
     * KernelPlan#fused): full and tied covariance, and K whose accumulation tasks do not fit one launch of the E
     * step's work-group (K = 128 at D = 16 is 256 tasks against 64 items x 1 task). The plan is not fused, says
     * so, and its pass still agrees with the CPU backend.
     */
    @org.junit.jupiter.api.Test
    void fusedFallsBackWhereItCannotApply() {
        DeviceInfo dev = OpenClTestSupport.device();
        PlanOverride f = PlanOverride.none().withWorkGroupSize(64).withTasksPerItem(1).withFused(true);
        for (CovarianceType t : new CovarianceType[] {CovarianceType.FULL, CovarianceType.TIED}) {
            KernelPlan plan = KernelPlan.of(dev, Precision.DOUBLE, 700, 5, 3, t, true, 0, f);
            assertTrue(!plan.fused && !plan.toString().contains(" fused"), plan.toString());
            passAgreesWithCpu(5, 3, t, Precision.DOUBLE, f);
        }
        KernelPlan big = KernelPlan.of(dev, Precision.FLOAT, 700, 16, 128, CovarianceType.DIAG, true, 0, f);
        assertTrue(!big.fused && big.compTiles > 1 && !big.toString().contains(" fused"), big.toString());
        passAgreesWithCpu(16, 128, CovarianceType.DIAG, Precision.FLOAT, f);
        KernelPlan fits = KernelPlan.of(dev, Precision.FLOAT, 700, 16, 128, CovarianceType.DIAG, true, 0,
                f.withTasksPerItem(4));
        assertTrue(fits.fused && fits.compTiles == 1 && fits.apt == 4, fits.toString());
        passAgreesWithCpu(16, 128, CovarianceType.DIAG, Precision.FLOAT, f.withTasksPerItem(4));
    }

    /** Start parameters: equal weights, means near rows of the data, random covariances. */
    static Gaussians startOf(Dataset data, int d, int k, CovarianceType type, SplittableRandom r) {
        double[] weights = new double[k];
        double[] means = new double[k * d];
        float[] row = new float[d];
        for (int j = 0; j < k; j++) {
            weights[j] = 1.0 / k;
            data.read(j * 5L % data.rows(), 1, row, 0);
            for (int a = 0; a < d; a++) {
                means[j * d + a] = row[a] + 0.1 * r.nextDouble();
            }
        }
        return Gaussians.of(type, weights, means, covariances(type, k, d, r), 0);
    }

    private static SufficientStatistics devicePass(Dataset data, int k, CovarianceType type, Precision precision,
                                                   PlanOverride plan, Gaussians g) {
        try (OpenClBackend b = OpenClBackend.create(OpenClTestSupport.device(), precision, 0, plan);
             Pass p = b.prepare(data, k, type)) {
            KernelPlan used = ((OpenClPass) p).plan();
            assertEquals(plan.fused(), used.fused, used.toString());
            return p.accumulate(g);
        }
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
