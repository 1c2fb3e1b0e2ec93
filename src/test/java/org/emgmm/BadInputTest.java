package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.NotPositiveDefiniteException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every bad input of issue 2, point 8, that the library handles is rejected before any work with an
 * {@link IllegalArgumentException} whose message says what is wrong and where. (Non-numeric CSV cells are the
 * data readers' and are tested with them.)
 */
class BadInputTest {

    /** Asserts an IllegalArgumentException whose message contains every fragment (case-insensitively). */
    static IllegalArgumentException rejects(Executable e, String... fragments) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        String msg = String.valueOf(ex.getMessage());
        for (String f : fragments) {
            assertTrue(msg.toLowerCase().contains(f.toLowerCase()),
                    "message \"" + msg + "\" should mention \"" + f + "\"");
        }
        return ex;
    }

    private static double[][] grid(int n, int d) {
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < d; a++) {
                x[i][a] = i * 0.37 + a * 1.1 + (i % 3) * 0.2;
            }
        }
        return x;
    }

    /** A listener that records whether any work started. */
    static final class Recorder implements FitListener {
        final List<String> calls = new ArrayList<>();

        @Override
        public void initStarted(int init, int nInit) {
            calls.add("init " + init);
        }

        @Override
        public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
            calls.add("iteration " + iteration);
        }
    }

    private static void fitRejects(GmmSettings s, Dataset data, String... fragments) {
        Recorder r = new Recorder();
        try (CpuBackend b = new CpuBackend(1, Precision.DOUBLE)) {
            rejects(() -> new GaussianMixture(s).fit(data, b, r), fragments);
        }
        assertEquals(List.of(), r.calls, "work started before the input was rejected");
    }

    // ---- data ----

    @Test
    void nanAndInfinityNameRowAndColumn() {
        for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            double[][] x = grid(10, 3);
            x[6][2] = bad;
            rejects(() -> ArrayDataset.of(x, null), String.valueOf(bad), "row 6", "column 2");
            double[] flat = new double[30];
            flat[4 * 3 + 1] = bad;
            rejects(() -> ArrayDataset.of(flat, 3, null), String.valueOf(bad), "row 4", "column 1");
            float[] ff = new float[30];
            ff[9 * 3] = (float) bad;
            rejects(() -> ArrayDataset.of(ff, 3, null), String.valueOf(bad), "row 9", "column 0");
        }
    }

    @Test
    void emptyData() {
        rejects(() -> ArrayDataset.of(new double[0][], null), "empty");
        rejects(() -> ArrayDataset.of((double[][]) null, null), "empty");
        rejects(() -> ArrayDataset.of(new double[0], 2, null), "empty");
        rejects(() -> ArrayDataset.of(new float[0], 2, null), "empty");
        rejects(() -> ArrayDataset.of(new double[][] {{}}, null), "empty", "row 0");
        rejects(() -> ArrayDataset.of(new double[6], 0, null), "dims", "0");
        GmmSettings s = GmmSettings.builder().build();
        rejects(() -> new GaussianMixture(s).fit((Dataset) null), "data");
    }

    @Test
    void raggedRowsNameTheRow() {
        double[][] x = grid(5, 3);
        x[3] = new double[] {1, 2};
        rejects(() -> ArrayDataset.of(x, null), "ragged", "row 3", "2 values", "3");
        x[3] = null;
        rejects(() -> ArrayDataset.of(x, null), "ragged", "row 3");
        rejects(() -> ArrayDataset.of(new double[7], 3, null), "ragged", "7 values", "3 features");
    }

    @Test
    void badSampleWeightsNameTheRow() {
        ArrayDataset data = ArrayDataset.of(grid(8, 2), null);
        double[] w = {1, 1, 1, -0.5, 1, 1, 1, 1};
        rejects(() -> data.withWeights(w), "weight", "-0.5", "row 3", "non-negative");
        w[3] = Double.NaN;
        rejects(() -> data.withWeights(w), "weight", "NaN", "row 3");
        w[3] = Double.POSITIVE_INFINITY;
        rejects(() -> data.withWeights(w), "weight", "Infinity", "row 3");
        rejects(() -> data.withWeights(new double[7]), "weights", "7", "8");
        rejects(() -> data.withWeights(new double[8]), "weights", "all zero");
        rejects(() -> ArrayDataset.of(grid(8, 2), new double[] {1, 2}), "weights", "2", "8");
    }

    // ---- settings ----

    @Test
    void settingsNameTheParameterAndValue() {
        rejects(() -> GmmSettings.builder().k(0).build(), "k", "0");
        rejects(() -> GmmSettings.builder().k(-3).build(), "k", "-3");
        rejects(() -> GmmSettings.builder().tol(-1e-3).build(), "tol", "-0.001");
        rejects(() -> GmmSettings.builder().tol(Double.NaN).build(), "tol", "NaN");
        rejects(() -> GmmSettings.builder().regCovar(-1e-6).build(), "regCovar", "-1.0E-6");
        rejects(() -> GmmSettings.builder().regCovar(Double.NaN).build(), "regCovar", "NaN");
        rejects(() -> GmmSettings.builder().maxIter(-1).build(), "maxIter", "-1");
        rejects(() -> GmmSettings.builder().nInit(0).build(), "nInit", "0");
        rejects(() -> GmmSettings.builder().threads(-2).build(), "threads", "-2");
        rejects(() -> GmmSettings.builder().covarianceType((CovarianceType) null).build(), "covarianceType");
        rejects(() -> new GaussianMixture(null), "settings");
    }

    @Test
    void unknownNamesListTheAcceptedOnes() {
        rejects(() -> GmmSettings.builder().covarianceType("fool"), "fool", "full", "tied", "diag", "spherical");
        rejects(() -> CovarianceType.parse("Diagonal"), "Diagonal", "diag");
        rejects(() -> CovarianceType.parse(null), "null", "full");
        rejects(() -> InitMethod.parse("kmedoids"), "kmedoids", "kmeans++", "random-from-data");
        rejects(() -> Precision.parse("half"), "half", "float", "double");
        rejects(() -> BackendKind.parse("cuda"), "cuda", "cpu", "opencl");
    }

    @Test
    void kLargerThanTheSamples() {
        fitRejects(GmmSettings.builder().k(6).build(), ArrayDataset.of(grid(5, 2), null), "k = 6", "5");
    }

    // ---- start parameters ----

    @Test
    void startWithWrongShapesSaysWhichPart() {
        ArrayDataset data = ArrayDataset.of(grid(20, 2), null);
        GmmSettings.Builder b = GmmSettings.builder().k(2).covarianceType(CovarianceType.FULL);
        double[] w = {0.5, 0.5};
        double[] m = {0, 0, 1, 1};
        double[] full = {1, 0, 0, 1, 1, 0, 0, 1};
        fitRejects(b.start(new StartParameters(new double[] {1.0 / 3, 1.0 / 3, 1.0 / 3}, m, full)).build(), data,
                "start weights", "3 values", "k = 2");
        fitRejects(b.start(new StartParameters(w, new double[] {0, 0, 1}, full)).build(), data,
                "start means", "3 values", "4");
        fitRejects(b.start(new StartParameters(w, new double[] {0, 0, 0, 1, 1, 1}, null)).build(), data,
                "start means", "6 values", "4");
        fitRejects(b.start(new StartParameters(w, m, new double[] {1, 0, 0, 1})).build(), data,
                "start covariances", "4 values", "8", "full");
        fitRejects(b.covarianceType(CovarianceType.DIAG).start(new StartParameters(w, m, new double[] {1, 1, 1}))
                .build(), data, "start covariances", "3 values", "4", "diag");
        fitRejects(b.covarianceType(CovarianceType.SPHERICAL).start(new StartParameters(w, m, new double[] {1, 1, 1}))
                .build(), data, "start covariances", "3 values", "2", "spherical");
        fitRejects(b.covarianceType(CovarianceType.TIED).start(new StartParameters(w, m, full)).build(), data,
                "start covariances", "8 values", "4", "tied");
        fitRejects(b.covarianceType(CovarianceType.FULL).start(new StartParameters(new double[] {0.7, 0.7}, m, null))
                .build(), data, "start weights", "sum", "1.4");
        fitRejects(b.start(new StartParameters(new double[] {1.0, 0.0}, m, null)).build(), data,
                "start weights", "weight 1", "0.0", "positive");
        fitRejects(b.start(new StartParameters(w, new double[] {0, 0, Double.NaN, 1}, null)).build(), data,
                "start means", "component 1", "feature 0", "NaN");
        fitRejects(b.start(new StartParameters(w, m, new double[] {1, 0, 0, 1, 1, 0, 0, Double.POSITIVE_INFINITY}))
                .build(), data, "start covariances", "value 7", "Infinity");
    }

    @Test
    void startCovarianceNotPositiveDefiniteNamesTheComponent() {
        ArrayDataset data = ArrayDataset.of(grid(20, 2), null);
        GmmSettings s = GmmSettings.builder().k(2).covarianceType(CovarianceType.FULL)
                .start(new StartParameters(new double[] {0.5, 0.5}, new double[] {0, 0, 1, 1},
                        new double[] {1, 0, 0, 1, 1, 2, 2, 1})).build();
        try (CpuBackend b = new CpuBackend(1, Precision.DOUBLE)) {
            NotPositiveDefiniteException e = assertThrows(NotPositiveDefiniteException.class,
                    () -> new GaussianMixture(s).fit(data, b, new FitListener() { }));
            assertEquals(1, e.component());
            assertEquals(0, e.iteration());
            assertTrue(e.getMessage().contains("component 1") && e.getMessage().contains("starting parameters"),
                    e.getMessage());
        }
    }

    // ---- the model ----

    private static MixtureModel model2d() {
        return MixtureModel.of(CovarianceType.DIAG, new double[] {0.4, 0.6}, new double[] {0, 0, 3, 3},
                new double[] {1, 2, 1, 0.5});
    }

    @Test
    void predictingWithTheWrongNumberOfFeatures() {
        MixtureModel m = model2d();
        ArrayDataset three = ArrayDataset.of(grid(4, 3), null);
        rejects(() -> m.predict(three), "3 features", "model has 2");
        rejects(() -> m.predictProba(three), "3 features", "model has 2");
        rejects(() -> m.scoreSamples(three), "3 features", "model has 2");
        rejects(() -> m.score(three), "3 features", "model has 2");
        rejects(() -> m.bic(three), "3 features", "model has 2");
        rejects(() -> m.predict(new double[] {1}), "1 features", "model has 2");
        rejects(() -> m.predictProba(new double[] {1, 2, 3}), "3 features", "model has 2");
        rejects(() -> m.scoreSample(new double[] {1, 2, 3}), "3 features", "model has 2");
        rejects(() -> m.sample(0, 1), "n", "0");
    }

    @Test
    void modelOfBadParameters() {
        rejects(() -> MixtureModel.of(CovarianceType.DIAG, new double[] {0.5, 0.5}, new double[] {0, 0, 3},
                new double[] {1, 1, 1, 1}), "K×D means");
        rejects(() -> MixtureModel.of(CovarianceType.DIAG, new double[] {0.5, 0.5}, new double[] {0, 0, 3, 3},
                new double[] {1, 1, 1}), "covariances", "3 values", "4");
    }

    private static String validJson() {
        return model2d().toJson();
    }

    @Test
    void modelJsonWithMissingOrBadFieldsNamesTheField() {
        String ok = validJson();
        assertEquals(2, MixtureModel.fromJson(ok).nComponents());
        rejects(() -> MixtureModel.fromJson("{ \"weights\": [1 "), "not valid JSON", "line");
        rejects(() -> MixtureModel.fromJson("[1, 2]"), "JSON object");
        for (String field : new String[] {"weights", "means", "covariances", "covariance_type"}) {
            String without = ok.replaceFirst("\"" + field + "\"", "\"x_" + field + "\"");
            rejects(() -> MixtureModel.fromJson(without), "missing field", field);
        }
        rejects(() -> MixtureModel.fromJson(ok.replace("\"diag\"", "\"diagonal\"")), "diagonal", "diag");
        rejects(() -> MixtureModel.fromJson(ok.replace("\"emgmm-model\"", "\"other-model\"")),
                "format", "other-model", "emgmm-model");
        rejects(() -> MixtureModel.fromJson(ok.replaceFirst("\"version\" : 1", "\"version\" : 99")),
                "version 99");
        rejects(() -> MixtureModel.fromJson(ok.replaceFirst("\"n_components\" : 2", "\"n_components\" : 3")),
                "n_components", "3", "2 values");
        rejects(() -> MixtureModel.fromJson(ok.replaceFirst("\"n_features\" : 2", "\"n_features\" : 5")),
                "n_features", "5", "2 values");
        String badNumber = ok.replaceFirst("\"weights\" : \\[ 0.4", "\"weights\" : [ \"abc\"");
        rejects(() -> MixtureModel.fromJson(badNumber), "weights", "weights[0]", "abc", "number");
        String raggedMeans = ok.replaceFirst("\"means\" : \\[ \\[ 0.0, 0.0 \\]", "\"means\" : [ [ 0.0 ]");
        rejects(() -> MixtureModel.fromJson(raggedMeans), "means", "means[1]", "2 values", "previous rows 1");
        String negWeight = ok.replaceFirst("\"weights\" : \\[ 0.4", "\"weights\" : [ -0.4");
        rejects(() -> MixtureModel.fromJson(negWeight), "weight 0", "-0.4");
        String flatCov = ok.replaceFirst("\"covariances\" : \\[ \\[ 1.0, 2.0 \\]", "\"covariances\" : [ 1.0");
        rejects(() -> MixtureModel.fromJson(flatCov), "covariances", "expected an array");
    }
}
