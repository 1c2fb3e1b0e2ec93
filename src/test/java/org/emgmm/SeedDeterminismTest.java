package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Contract: the same seed gives the identical model (every initialisation method, several initialisations), on a
 * fresh backend each time; a different seed gives a different random initialisation (so the seed is used).
 */
class SeedDeterminismTest {

    static Stream<Arguments> backendsAndInits() {
        return TestBackends.all().flatMap(b -> Stream.of(InitMethod.values()).map(i -> Arguments.of(b, i)));
    }

    private static MixtureModel fit(TestBackends.NamedBackend nb, ArrayDataset data, GmmSettings s) {
        try (Backend b = nb.open()) {
            return new GaussianMixture(s).fit(data, b, new FitListener() { });
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndInits")
    void sameSeedSameModel(TestBackends.NamedBackend nb, InitMethod init) {
        ReferenceData.Set set = ReferenceData.load("synthetic_2d_k4");
        for (CovarianceType type : CovarianceType.values()) {
            GmmSettings s = GmmSettings.builder().k(4).covarianceType(type).init(init).nInit(2).seed(12345)
                    .tol(1e-6).maxIter(20).precision(nb.precision()).build();
            MixtureModel a = fit(nb, set.dataset(), s);
            MixtureModel b = fit(nb, set.dataset(), s);
            ModelAsserts.assertIdentical(nb + " " + init.cliName() + " " + type.jsonName(), a, b);
            assertTrue(Double.isFinite(a.lowerBound()));
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("backendsAndInits")
    void differentSeedsGiveDifferentRandomStarts(TestBackends.NamedBackend nb, InitMethod init) {
        ReferenceData.Set set = ReferenceData.load("synthetic_2d_k4");
        GmmSettings.Builder sb = GmmSettings.builder().k(4).covarianceType(CovarianceType.FULL).init(init)
                .maxIter(0).precision(nb.precision());
        MixtureModel a = fit(nb, set.dataset(), sb.seed(1).build());
        MixtureModel b = fit(nb, set.dataset(), sb.seed(2).build());
        MixtureModel a2 = fit(nb, set.dataset(), sb.seed(1).build());
        assertEquals(0, a.nIter());
        ModelAsserts.assertIdentical("seed 1 twice", a, a2);
        if (init != InitMethod.KMEANS_PLUSPLUS) {
            // k-means++ followed by Lloyd's iterations may well find the same clusters from two seeds; the purely
            // random methods may not.
            assertFalse(Arrays.equals(a.meansFlat(), b.meansFlat()), init.cliName()
                    + ": seeds 1 and 2 gave the same starting means " + Arrays.toString(a.meansFlat()));
        }
    }
}
