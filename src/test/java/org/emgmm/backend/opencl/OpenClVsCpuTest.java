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
import org.emgmm.backend.Backend;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The OpenCL backend against the CPU backend (CheckMultiThreadAgainstSingleThread in spirit): same data, same
 * start, same settings; the same number of iterations and the same parameters within the per-precision tolerances
 * of issue 3 (double: parameters 1e-6, lower bound 1e-9 relative; float: parameters 1e-3, lower bound 1e-5).
 */
class OpenClVsCpuTest {
    static final double DOUBLE_PARAMS = 1e-6;
    static final double DOUBLE_LB = 1e-9;
    static final double FLOAT_PARAMS = 1e-3;
    static final double FLOAT_LB = 1e-5;

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

    static void compare(DeviceInfo dev, GmmSettings s, Dataset data) {
        MixtureModel cpu;
        try (Backend b = new CpuBackend(2, Precision.DOUBLE)) {
            cpu = new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
        MixtureModel ocl;
        try (Backend b = OpenClBackend.create(dev, s.precision(), 0)) {
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
