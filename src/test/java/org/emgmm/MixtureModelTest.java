package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fitted model: JSON round trip; predict, predictProba, scoreSamples, score, bic, aic and nParameters against
 * scikit-learn 1.2.1 for models built from scikit-learn's own fitted parameters (so only the evaluation is
 * compared); sampling statistics. Reference numbers from
 *
 * <pre>
 *   /usr/bin/python3 src/test/resources/reference/make_reference.py src/test/resources/reference
 * </pre>
 */
class MixtureModelTest {
    /** Evaluation of the same parameters by two implementations agrees to rounding. */
    static final double EVAL_REL = Tolerances.EVAL_F64;
    static final int SAMPLES = 200_000;

    static Stream<ReferenceData.Case> cases() {
        return ReferenceData.cases();
    }

    /** The model holding scikit-learn's fitted parameters of a reference case. */
    static MixtureModel sklearnModel(ReferenceData.Case c) {
        return MixtureModel.of(c.type, c.weights, c.means, c.covariances);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void criteriaMatchScikitLearn(ReferenceData.Case c) {
        MixtureModel m = sklearnModel(c);
        ArrayDataset data = c.set.dataset();
        JsonNode e = c.criteria;
        assertEquals(e.get("n_parameters").asLong(), m.nParameters(), c + ": nParameters");
        ModelAsserts.check(c + ": score", e.get("score").asDouble(), m.score(data), EVAL_REL, 0);
        ModelAsserts.check(c + ": bic", e.get("bic").asDouble(), m.bic(data), EVAL_REL, 0);
        ModelAsserts.check(c + ": aic", e.get("aic").asDouble(), m.aic(data), EVAL_REL, 0);
    }

    @Test
    void perSampleEvaluationsMatchScikitLearn() {
        ReferenceData.Case c = ReferenceData.load("faithful").get(CovarianceType.FULL);
        JsonNode e = c.modelChecks;
        MixtureModel m = sklearnModel(c);
        ArrayDataset data = c.set.dataset();
        int n = c.set.n;
        int k = c.set.k;
        double[] ss = m.scoreSamples(data);
        double[][] proba = m.predictProba(data);
        int[] labels = m.predict(data);
        double[] row = new double[c.set.d];
        for (int i = 0; i < n; i++) {
            ModelAsserts.check("score_samples[" + i + "]", e.get("score_samples").get(i).asDouble(), ss[i],
                    EVAL_REL, 0);
            for (int j = 0; j < k; j++) {
                ModelAsserts.check("predict_proba[" + i + "][" + j + "]",
                        e.get("predict_proba").get(i * k + j).asDouble(), proba[i][j], 1e-9, 1e-9);
            }
            assertEquals(e.get("predict").get(i).asInt(), labels[i], "predict[" + i + "]");
            System.arraycopy(c.set.data, i * c.set.d, row, 0, c.set.d);
            assertEquals(ss[i], m.scoreSample(row), 1e-12 * Math.abs(ss[i]), "scoreSample(row " + i + ")");
            assertEquals(labels[i], m.predict(row), "predict(row " + i + ")");
            assertArrayEquals(proba[i], m.predictProba(row), 1e-12, "predictProba(row " + i + ")");
        }
        // The two clusters of Old Faithful really are told apart.
        long ones = Arrays.stream(labels).filter(v -> v == 1).count();
        assertTrue(ones > 50 && ones < n - 50, "predict puts " + ones + " of " + n + " samples in component 1");
        ModelAsserts.check("score", e.get("score").asDouble(), m.score(data), EVAL_REL, 0);
        ModelAsserts.check("bic", e.get("bic").asDouble(), m.bic(data), EVAL_REL, 0);
        ModelAsserts.check("aic", e.get("aic").asDouble(), m.aic(data), EVAL_REL, 0);
    }

    @Test
    void weightedScoreIsTheWeightedMean() {
        ReferenceData.Case c = ReferenceData.load("faithful").get(CovarianceType.DIAG);
        MixtureModel m = sklearnModel(c);
        double[] w = new double[c.set.n];
        double num = 0;
        double den = 0;
        double[] ss = m.scoreSamples(c.set.dataset());
        for (int i = 0; i < w.length; i++) {
            w[i] = 1 + (i % 4);
            num += w[i] * ss[i];
            den += w[i];
        }
        ModelAsserts.check("weighted score", num / den, m.score(c.set.dataset().withWeights(w)), 1e-12, 0);
        // BIC with weights counts the total weight as the sample size.
        ModelAsserts.check("weighted bic", -2 * num + m.nParameters() * Math.log(den),
                m.bic(c.set.dataset().withWeights(w)), 1e-12, 0);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.emgmm.TestBackends#all")
    void jsonRoundTripOfFittedModels(TestBackends.NamedBackend nb, @TempDir Path dir) throws IOException {
        for (ReferenceData.Case c : ReferenceData.load("faithful").cases) {
            MixtureModel m;
            String backendName;
            try (var b = nb.open()) {
                backendName = b.name();
                m = new GaussianMixture(c.settings().tol(1e-3).precision(nb.precision()).build())
                        .fit(c.set.dataset(), b, new FitListener() { });
            }
            String what = nb + " " + c;
            MixtureModel back = MixtureModel.fromJson(m.toJson());
            assertSameModel(what + " toJson/fromJson", m, back);
            Path file = dir.resolve(c.type.jsonName() + ".json");
            m.save(file);
            assertSameModel(what + " save/load", m, MixtureModel.load(file));
            try (var files = Files.list(dir)) {
                assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith(c.type.jsonName())).count(),
                        "save leaves exactly the model file behind");
            }
            Files.delete(file);
            // The file follows DESIGN.md's format, with scikit-learn's names.
            JsonNode o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(m.toJson());
            assertEquals("emgmm-model", o.get("format").asText());
            assertEquals(1, o.get("version").asInt());
            assertEquals(c.type.jsonName(), o.get("covariance_type").asText());
            assertEquals(2, o.get("n_components").asInt());
            assertEquals(2, o.get("n_features").asInt());
            assertEquals(m.nIter(), o.get("lower_bound_history").size());
            assertEquals(backendName, o.get("backend").asText());
        }
    }

    static void assertSameModel(String what, MixtureModel a, MixtureModel b) {
        assertEquals(a.covarianceType(), b.covarianceType(), what);
        ModelAsserts.assertIdentical(what, a, b);
        assertEquals(a.lowerBound(), b.lowerBound(), 0.0, what + ": lower bound");
        assertEquals(a.converged(), b.converged(), what + ": converged");
        assertEquals(a.regCovar(), b.regCovar(), 0.0, what + ": regCovar");
        assertEquals(a.tol(), b.tol(), 0.0, what + ": tol");
        assertEquals(a.backend(), b.backend(), what + ": backend");
        assertEquals(a.events(), b.events(), what + ": events");
    }

    @Test
    void jsonOfAnUnfittedModelReadsBack() {
        MixtureModel m = MixtureModel.of(CovarianceType.SPHERICAL, new double[] {0.25, 0.75},
                new double[] {1, 2, 3, -4, -5, 6}, new double[] {0.5, 2.5});
        MixtureModel back = MixtureModel.fromJson(m.toJson());
        assertTrue(Double.isNaN(back.lowerBound()));
        assertFalse(back.converged());
        ModelAsserts.assertIdentical("unfitted", m, back);
        assertEquals(3, back.nFeatures());
    }

    /** @return the cases of two sets: enough for sampling, which does not depend on the data */
    static Stream<ReferenceData.Case> samplingCases() {
        return ReferenceData.cases().filter(c -> c.set.name.equals("faithful")
                || c.set.name.equals("synthetic_2d_k4"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("samplingCases")
    void samplesFollowTheModel(ReferenceData.Case c) {
        MixtureModel m = sklearnModel(c);
        int k = m.nComponents();
        int d = m.nFeatures();
        MixtureModel.Samples s = m.sample(SAMPLES, 42);
        double[][] x = s.x();
        int[] labels = s.labels();
        assertEquals(SAMPLES, x.length);
        // Component frequencies: within 5 standard errors of the weights.
        double[] w = m.weights();
        for (int j = 0; j < k; j++) {
            final int jj = j;
            double f = Arrays.stream(labels).filter(v -> v == jj).count() / (double) SAMPLES;
            assertEquals(w[j], f, 5 * Math.sqrt(w[j] * (1 - w[j]) / SAMPLES), c + ": frequency of component " + j);
        }
        // Per component: sample mean within 5 standard errors, sample covariance within 3 % of the scale.
        for (int j = 0; j < k; j++) {
            double[][] cov = m.covarianceMatrix(j);
            double[] mu = m.means()[j];
            double[] mean = new double[d];
            double[][] sc = new double[d][d];
            int nj = 0;
            for (int i = 0; i < SAMPLES; i++) {
                if (labels[i] == j) {
                    nj++;
                    for (int a = 0; a < d; a++) {
                        mean[a] += x[i][a];
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                mean[a] /= nj;
            }
            for (int i = 0; i < SAMPLES; i++) {
                if (labels[i] == j) {
                    for (int a = 0; a < d; a++) {
                        for (int b = 0; b < d; b++) {
                            sc[a][b] += (x[i][a] - mean[a]) * (x[i][b] - mean[b]) / nj;
                        }
                    }
                }
            }
            for (int a = 0; a < d; a++) {
                assertEquals(mu[a], mean[a], 5 * Math.sqrt(cov[a][a] / nj), c + ": mean of component " + j);
                for (int b = 0; b < d; b++) {
                    assertEquals(cov[a][b], sc[a][b], 0.03 * Math.sqrt(cov[a][a] * cov[b][b]),
                            c + ": covariance (" + a + "," + b + ") of component " + j);
                }
            }
        }
        // Same seed, same samples; another seed, other samples.
        MixtureModel.Samples again = m.sample(SAMPLES, 42);
        for (int i = 0; i < SAMPLES; i += 997) {
            assertArrayEquals(x[i], again.x()[i], 0.0, "same seed, sample " + i);
        }
        assertArrayEquals(labels, again.labels());
        MixtureModel.Samples other = m.sample(100, 43);
        assertFalse(Arrays.equals(x[0], other.x()[0]) && Arrays.equals(x[1], other.x()[1]), "seed 43 = seed 42");
    }

    @Test
    void predictOfAFittedModelSeparatesTheReferenceClusters() {
        ReferenceData.Case c = ReferenceData.load("synthetic_8d_k5").get(CovarianceType.FULL);
        MixtureModel m;
        try (CpuBackend b = new CpuBackend(1, Precision.DOUBLE)) {
            m = new GaussianMixture(c.settings().build()).fit(c.set.dataset(), b, new FitListener() { });
        }
        MixtureModel ref = sklearnModel(c);
        assertArrayEquals(ref.predict(c.set.dataset()), m.predict(c.set.dataset()),
                "labels of the fitted model equal those of scikit-learn's model");
    }
}
