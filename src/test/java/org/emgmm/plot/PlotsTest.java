package org.emgmm.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.ModelSelection;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pictures show the model: ellipses, densities and projections are checked against its parameters. */
class PlotsTest {
    @TempDir
    Path dir;

    static final MixtureModel MODEL_2D = MixtureModel.of(CovarianceType.FULL, new double[] {0.4, 0.6},
            new double[] {0, 0, 5, 3}, new double[] {2, 0.9, 0.9, 1, 0.5, -0.2, -0.2, 0.3});
    static final MixtureModel MODEL_1D = MixtureModel.of(CovarianceType.DIAG, new double[] {0.3, 0.7},
            new double[] {-2, 1.5}, new double[] {0.25, 1.44});

    static double mahalanobis2(double[] x, double[] mu, double[][] c) {
        double det = c[0][0] * c[1][1] - c[0][1] * c[1][0];
        double dx = x[0] - mu[0];
        double dy = x[1] - mu[1];
        return (c[1][1] * dx * dx - 2 * c[0][1] * dx * dy + c[0][0] * dy * dy) / det;
    }

    static Dataset sample(MixtureModel m, int n, long seed) {
        return ArrayDataset.of(m.sample(n, seed).x(), null);
    }

    @Test
    void ellipsePointsLieAtTheirMahalanobisRadius() {
        double[][] cov = {{2, 0.9}, {0.9, 1}};
        double[] mu = {1, -1};
        for (int s = 1; s <= 2; s++) {
            double[][] e = PlotGeometry.ellipse(mu, cov, s, 50);
            for (int i = 0; i < 50; i++) {
                assertEquals(s * s, mahalanobis2(new double[] {e[0][i], e[1][i]}, mu, cov), 1e-12);
            }
            assertEquals(e[0][0], e[0][49], 1e-12, "closed");
        }
    }

    @Test
    void scatterChartDrawsTheModelsEllipses() {
        Dataset data = sample(MODEL_2D, 500, 1);
        JFreeChart chart = Charts.model(MODEL_2D, data, "t");
        XYPlot plot = chart.getXYPlot();
        XYDataset ell = plot.getDataset(0);
        assertEquals(4, ell.getSeriesCount());
        for (int j = 0; j < 2; j++) {
            for (int s = 1; s <= 2; s++) {
                int series = 2 * j + (s - 1);
                for (int i = 0; i < ell.getItemCount(series); i++) {
                    double[] p = {ell.getXValue(series, i), ell.getYValue(series, i)};
                    assertEquals(s * s, mahalanobis2(p, MODEL_2D.means()[j], MODEL_2D.covarianceMatrix(j)), 1e-9);
                }
            }
        }
        // the points are coloured by the model's prediction: series j holds exactly the samples predicted j
        XYDataset pts = plot.getDataset(1);
        int[] labels = MODEL_2D.predict(data);
        int n0 = 0;
        for (int l : labels) {
            n0 += l == 0 ? 1 : 0;
        }
        assertEquals(n0, pts.getItemCount(0));
        assertEquals(500 - n0, pts.getItemCount(1));
    }

    @Test
    void histogramChartDrawsTheMixtureAndWeightedComponentDensities() {
        Dataset data = sample(MODEL_1D, 2000, 2);
        JFreeChart chart = Charts.model(MODEL_1D, data, "t");
        XYDataset lines = chart.getXYPlot().getDataset(1);
        assertEquals(3, lines.getSeriesCount());
        double integral = 0;
        for (int i = 0; i < lines.getItemCount(0); i++) {
            double x = lines.getXValue(0, i);
            double expected = 0;
            for (int j = 0; j < 2; j++) {
                double w = MODEL_1D.weights()[j];
                double mu = MODEL_1D.means()[j][0];
                double var = MODEL_1D.covarianceMatrix(j)[0][0];
                double comp = w * Math.exp(-0.5 * (x - mu) * (x - mu) / var) / Math.sqrt(2 * Math.PI * var);
                assertEquals(comp, lines.getYValue(j + 1, i), 1e-12);
                expected += comp;
            }
            assertEquals(expected, lines.getYValue(0, i), 1e-12);
            if (i > 0) {
                double dx = x - lines.getXValue(0, i - 1);
                integral += 0.5 * dx * (lines.getYValue(0, i) + lines.getYValue(0, i - 1));
            }
        }
        assertEquals(1.0, integral, 0.01, "the drawn density covers the mixture's mass");
    }

    @Test
    void principalComponentsOfKnownData() {
        // independent features with standard deviations 3, 2, 1, 0.5, then rotated in the (0,3) plane by 30 deg
        SplittableRandom r = new SplittableRandom(4);
        int n = 20000;
        double[] x = new double[n * 4];
        double c = Math.cos(Math.PI / 6);
        double s = Math.sin(Math.PI / 6);
        for (int i = 0; i < n; i++) {
            double a = 3 * gauss(r);
            double b = 2 * gauss(r);
            double d = 1 * gauss(r);
            double e = 0.5 * gauss(r);
            x[i * 4] = c * a - s * e;
            x[i * 4 + 1] = b;
            x[i * 4 + 2] = d;
            x[i * 4 + 3] = s * a + c * e;
        }
        PlotGeometry.Projection p = PlotGeometry.projection(ArrayDataset.of(x, 4, null));
        assertTrue(p.isPrincipal());
        double[][] ax = p.axes();
        assertEquals(1, Math.abs(ax[0][0] * c + ax[0][3] * s), 0.01, "first axis along the rotated sd-3 feature");
        assertEquals(1, Math.abs(ax[1][1]), 0.01, "second along feature 1");
        assertEquals(9, p.variances()[0], 0.3);
        assertEquals(4, p.variances()[1], 0.15);
        double dot = 0;
        for (int a = 0; a < 4; a++) {
            dot += ax[0][a] * ax[1][a];
        }
        assertEquals(0, dot, 1e-12, "orthogonal");
    }

    @Test
    void jacobiEigenpairsSatisfyAvEqualsLambdaV() {
        SplittableRandom r = new SplittableRandom(8);
        int d = 7;
        double[][] m = new double[d][d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                m[i][j] = m[j][i] = r.nextDouble() - 0.5;
            }
        }
        double[][] v = new double[d][d];
        double[] l = PlotGeometry.jacobi(m, v);
        for (int k = 0; k < d; k++) {
            for (int i = 0; i < d; i++) {
                double av = 0;
                for (int j = 0; j < d; j++) {
                    av += m[i][j] * v[j][k];
                }
                assertEquals(l[k] * v[i][k], av, 1e-10);
            }
        }
    }

    @Test
    void projectedEllipsesUseTheProjectedCovariance() {
        MixtureModel m = MixtureModel.of(CovarianceType.DIAG, new double[] {0.5, 0.5},
                new double[] {0, 0, 0, 4, 4, 4}, new double[] {1, 2, 3, 0.5, 0.5, 0.5});
        Dataset data = sample(m, 3000, 3);
        PlotGeometry.Projection p = PlotGeometry.projection(data);
        List<double[][]> e = Charts.ellipses(m, p);
        for (int j = 0; j < 2; j++) {
            double[] mu = p.apply(m.means()[j], 0);
            // A Σ Aᵀ by hand for a diagonal Σ
            double[][] ax = p.axes();
            double[][] c2 = new double[2][2];
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 2; b++) {
                    for (int f = 0; f < 3; f++) {
                        c2[a][b] += ax[a][f] * m.covarianceMatrix(j)[f][f] * ax[b][f];
                    }
                }
            }
            double[][] one = e.get(2 * j);
            for (int i = 0; i < one[0].length; i++) {
                assertEquals(1, mahalanobis2(new double[] {one[0][i], one[1][i]}, mu, c2), 1e-9);
            }
        }
        assertTrue(Charts.model(m, data, "x").getTitle().getText().contains("principal components"));
    }

    @Test
    void pngIsWrittenWithTheComponentColours() throws Exception {
        Path png = dir.resolve("s.png");
        Charts.writePng(Charts.model(MODEL_2D, sample(MODEL_2D, 400, 5), "t"), png, 800, 600);
        assertTrue(Files.size(png) > 10_000);
        BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
        assertEquals(800, img.getWidth());
        assertEquals(600, img.getHeight());
        assertTrue(count(img, Charts.colour(0)) > 200, "component 0's colour drawn");
        assertTrue(count(img, Charts.colour(1)) > 200, "component 1's colour drawn");
        assertEquals(List.of("s.png"), List.of(dir.toFile().list()));
    }

    @Test
    void selectionChartMarksTheChosenModel() throws Exception {
        Dataset data = sample(MODEL_2D, 400, 6);
        ModelSelection.Result res = new ModelSelection(GmmSettings.builder().backend(org.emgmm.config.BackendKind.CPU)
                .build(), ModelSelection.range(1, 3), List.of(CovarianceType.FULL, CovarianceType.DIAG),
                ModelSelection.Criterion.BIC).fit(data);
        JFreeChart chart = Charts.selection(res, null);
        XYPlot plot = chart.getXYPlot();
        assertEquals(4, plot.getDataset(0).getSeriesCount(), "BIC and AIC for two types");
        XYDataset chosen = plot.getDataset(1);
        assertEquals(res.best().k(), chosen.getXValue(0, 0), 0);
        assertEquals(res.best().bic(), chosen.getYValue(0, 0), 0);
        assertEquals(res.candidates().get(1).bic(), plot.getDataset(0).getYValue(0, 1), 0);
        Path png = dir.resolve("sel.png");
        Charts.writePng(chart, png, 700, 500);
        assertTrue(Files.size(png) > 10_000);
    }

    private static int count(BufferedImage img, Color c) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                Color p = new Color(img.getRGB(x, y));
                if (Math.abs(p.getRed() - c.getRed()) + Math.abs(p.getGreen() - c.getGreen())
                        + Math.abs(p.getBlue() - c.getBlue()) < 90) {
                    n++;
                }
            }
        }
        return n;
    }

    private static double gauss(SplittableRandom r) {
        return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
    }
}
