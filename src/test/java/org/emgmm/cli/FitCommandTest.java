package org.emgmm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.emgmm.MixtureModel;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End-to-end tests of {@code emgmm fit}, in-process. */
class FitCommandTest {
    /*
     * Reference: scikit-learn 1.2.1 on the bundled data,
     *   /usr/bin/python3 -c "import numpy as np; from sklearn.mixture import GaussianMixture as G;
     *   X=np.loadtxt('src/main/resources/org/emgmm/faithful.csv',delimiter=',',skiprows=1);
     *   g=G(2,covariance_type='full',tol=1e-10,max_iter=1000,random_state=0).fit(X);
     *   print(repr(g.lower_bound_), g.bic(X), g.aic(X), g.weights_, g.means_)"
     */
    static final double SK_LOWER_BOUND = -4.155382206604757;
    static final double SK_BIC = 2322.1917431166466;
    static final double SK_AIC = 2282.5279203873906;
    static final double[] SK_WEIGHTS = {0.3558729423644107, 0.6441270576355892};
    static final double[][] SK_MEANS = {{2.036388664476659, 54.47851844487742}, {4.289662155402967, 79.96811740524386}};

    @TempDir
    Path dir;

    @Test
    void bundledFaithfulMatchesScikitLearnAndSummaryShowsTheModel() throws Exception {
        Path model = dir.resolve("faithful.json");
        Cli.Result r = Cli.run("fit", "--backend", "cpu", "--tol", "1e-10", "--max-iter", "1000",
                "--output", model.toString());
        assertEquals(0, r.code(), r.toString());
        MixtureModel m = MixtureModel.load(model);
        assertEquals(2, m.nComponents());
        assertTrue(m.converged());
        assertEquals(SK_LOWER_BOUND, m.lowerBound(), 1e-9);
        int first = m.means()[0][0] < m.means()[1][0] ? 0 : 1;
        for (int j = 0; j < 2; j++) {
            int e = j == 0 ? first : 1 - first;
            assertEquals(SK_WEIGHTS[j], m.weights()[e], 1e-6);
            assertEquals(SK_MEANS[j][0], m.means()[e][0], 1e-6);
            assertEquals(SK_MEANS[j][1], m.means()[e][1], 1e-5);
        }
        String out = r.out();
        assertTrue(out.contains("k = 2, full covariance"), out);
        assertTrue(out.contains("Old Faithful"), out);
        assertTrue(out.contains("eruptions") && out.contains("waiting"), out);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "%.4f", SK_BIC)), out);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "%.4f", SK_AIC)), out);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "%.5f", m.weights()[0])), out);
        double sd = Math.sqrt(m.covarianceMatrix(0)[1][1]);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "%.6g", sd)), out);
        double[][] c = m.covarianceMatrix(0);
        assertTrue(out.contains(String.format(java.util.Locale.ROOT, "%+.4f", c[1][0] / Math.sqrt(c[0][0] * c[1][1]))),
                out);
        assertTrue(out.contains("converged     yes"), out);
        assertTrue(out.contains("backend       cpu"), out);
        assertTrue(out.contains("wall time"), out);
        // not a terminal: plain progress lines on stderr
        assertTrue(r.err().contains("iter   1"), r.err());
    }

    @Test
    void defaultFitOfBundledDataPrintsSummaryAndSavesNothing() throws Exception {
        Cli.Result r = Cli.run("fit", "--backend", "cpu");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("lower bound   -4.15"), r.out());
        assertEquals(List.of(), Cli.listing(dir));
    }

    @Test
    void csvWithAndWithoutHeaderGiveTheSameModel() throws Exception {
        Path h = Cli.csv(dir, "h.csv", Cli.twoClusters(300, true));
        Path n = Cli.csv(dir, "n.csv", Cli.twoClusters(300, false));
        Path mh = dir.resolve("mh.json");
        Path mn = dir.resolve("mn.json");
        Cli.Result a = Cli.run("fit", "--input", h.toString(), "--k", "2", "--covariance", "diag", "--seed", "3",
                "--backend", "cpu", "--quiet", "--output", mh.toString());
        Cli.Result b = Cli.run("fit", "--input", n.toString(), "--k", "2", "--covariance", "diag", "--seed", "3",
                "--backend", "cpu", "--quiet", "--output", mn.toString());
        assertEquals(0, a.code(), a.toString());
        assertEquals(0, b.code(), b.toString());
        assertEquals("", a.out() + a.err(), "--quiet prints nothing");
        MixtureModel x = MixtureModel.load(mh);
        MixtureModel y = MixtureModel.load(mn);
        assertEquals(x.lowerBound(), y.lowerBound(), 0);
        assertTrue(Arrays.equals(x.meansFlat(), y.meansFlat()));
        // and the model is the library's fit of the same numbers
        MixtureModel lib = new org.emgmm.GaussianMixture(org.emgmm.GmmSettings.builder().k(2)
                .covarianceType("diag").seed(3).backend(org.emgmm.config.BackendKind.CPU).build())
                .fit(ArrayDataset.of(Cli.parse(Cli.twoClusters(300, false), false), null));
        assertEquals(lib.lowerBound(), x.lowerBound(), 1e-12);
    }

    @Test
    void headerNamesAppearInSummaryAndColumnsSelectFeatures() throws Exception {
        Path p = Cli.csv(dir, "w.csv", "x,y,z,w\n1,9,2,1\n2,8,3,1\n3,9,1,2\n8,1,9,1\n9,2,8,1\n7,1,9,3\n");
        Cli.Result r = Cli.run("fit", "--input", p.toString(), "--k", "2", "--columns", "z,x",
                "--weights-column", "w", "--backend", "cpu", "--covariance", "spherical");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("6 samples x 2 features"), r.out());
        int zi = r.out().indexOf("  z ");
        int xi = r.out().indexOf("  x ");
        assertTrue(zi > 0 && xi > zi, r.out());
    }

    @Test
    void initModelWarmStartsAndMustMatch() throws Exception {
        Path m1 = dir.resolve("m1.json");
        assertEquals(0, Cli.run("fit", "--backend", "cpu", "--max-iter", "2", "--quiet", "--output",
                m1.toString()).code());
        MixtureModel start = MixtureModel.load(m1);
        assertFalse(start.converged());
        Path m2 = dir.resolve("m2.json");
        Cli.Result r = Cli.run("fit", "--backend", "cpu", "--init-model", m1.toString(), "--tol", "1e-10",
                "--max-iter", "1000", "--quiet", "--output", m2.toString());
        assertEquals(0, r.code(), r.toString());
        assertEquals(SK_LOWER_BOUND, MixtureModel.load(m2).lowerBound(), 1e-9);
        Cli.Result bad = Cli.run("fit", "--backend", "cpu", "--init-model", m1.toString(), "--k", "3");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("--k 3 does not match --init-model"), bad.err());
    }

    @Test
    void plotOptionWritesPng() throws Exception {
        Path png = dir.resolve("fit.png");
        Cli.Result r = Cli.run("fit", "--backend", "cpu", "--quiet", "--plot", png.toString());
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.size(png) > 10_000, "PNG of sensible size");
        byte[] head = Arrays.copyOf(Files.readAllBytes(png), 8);
        assertEquals((byte) 0x89, head[0]);
        assertEquals('P', head[1]);
    }

    @Test
    void stopRequestKeepsBestModelSoFarMarkedNotConverged() throws Exception {
        // The in-process equivalent of Ctrl-C: the listener's stop flag, raised after the first iteration
        StopSignal stop = StopSignal.manual();
        java.io.StringWriter err = new java.io.StringWriter();
        Progress progress = new Progress(Progress.Mode.PLAIN, new java.io.PrintWriter(err), stop, 1, 1);
        org.emgmm.FitListener p = new org.emgmm.FitListener() {
            @Override
            public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
                progress.iteration(init, iteration, lowerBound, change, nanos);
                if (iteration == 3) {
                    stop.request();
                }
            }

            @Override
            public boolean stopRequested() {
                return progress.stopRequested();
            }
        };
        MixtureModel m = new org.emgmm.GaussianMixture(org.emgmm.GmmSettings.builder().k(2).tol(0).maxIter(500)
                .backend(org.emgmm.config.BackendKind.CPU).build()).fit(InputArgs.faithful(), p);
        assertEquals(3, m.nIter());
        assertFalse(m.converged());
        assertTrue(MixtureModel.fromJson(m.toJson()).toJson().contains("\"converged\" : false"));
    }
}
