package org.emgmm.backend.opencl;

import java.util.stream.Stream;
import org.emgmm.FloatCases;
import org.emgmm.backend.Backend;
import org.emgmm.config.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 14 on OpenCL: the float fits of scikit-learn's wine, breast cancer and digits ({@link FloatCases}; the
 * reference sets run in float on OpenCL in {@link org.emgmm.ReferenceFitTest}) land on the double CPU fit:
 * parameters within 1e-3 relative, lower bound within 1e-5 (the measure is in {@link FloatCases}). Skips without
 * an OpenCL device ({@link OpenClTestSupport#device()}). Breast cancer / full and digits / full need the kernel's
 * full/tied sums in double (kernels/common.cl, WIDE_SUMS): with float products they ended in
 * NotPositiveDefiniteException at iteration 2 on PoCL. Wine / full (and the same fit from nearby starts) needs the
 * log-likelihood total in double (kernels/estep.cl): with the work-groups' totals rounded to float the lower bound
 * moved in steps of about 1e-6 and the fit stopped at iteration 83 of the double fit's 99, a covariance entry 1.6%
 * off.
 */
class OpenClFloatPrecisionTest {
    static Stream<FloatCases.Case> cases() {
        return FloatCases.all().filter(c -> c.name.startsWith("wine/") || c.name.startsWith("breast_cancer/")
                || c.name.startsWith("digits/"));
    }

    /** Wine / full from 8 starts near the issue's; 5 of them stopped early on the kernel before the double total. */
    static Stream<FloatCases.Case> nearStarts() {
        return FloatCases.wineFullNearStarts(8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void floatLandsOnTheDoubleFit(FloatCases.Case c) {
        DeviceInfo dev = OpenClTestSupport.device();
        try (Backend b = OpenClBackend.create(dev, Precision.FLOAT, 0)) {
            c.assertFloatMatchesDouble("opencl-float", b);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("nearStarts")
    void slowFitsDoNotStopEarly(FloatCases.Case c) {
        floatLandsOnTheDoubleFit(c);
    }
}
