package org.emgmm.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.emgmm.ModelSelection;
import org.emgmm.MixtureModel;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.AtomicFiles;
import org.emgmm.data.Dataset;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYPointerAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBarRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.renderer.xy.StandardXYBarPainter;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.statistics.HistogramDataset;
import org.jfree.data.statistics.HistogramType;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Pictures of a fitted mixture, drawn with JFreeChart (headless): for 1 feature a histogram with the mixture
 * density and each weighted component; for 2 features a scatter coloured by component with the 1σ and 2σ ellipses;
 * for more, the same on the data's first two principal components. Also BIC/AIC against K for a model selection.
 * The geometry comes from {@link PlotGeometry}.
 */
public final class Charts {
    /** Default picture width in pixels. */
    public static final int WIDTH = 900;
    /** Default picture height in pixels. */
    public static final int HEIGHT = 650;
    /** At most this many samples are drawn in a scatter (evenly strided through the data). */
    public static final int MAX_POINTS = 20_000;
    private static final Color[] PALETTE = {
        new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728), new Color(0x9467bd),
        new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0xbcbd22), new Color(0x17becf),
    };

    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /**
     * @param j component index
     * @return its colour (the palette repeats after 10)
     */
    public static Color colour(int j) {
        return PALETTE[j % PALETTE.length];
    }

    /**
     * The picture of a model on its data, chosen by the number of features.
     *
     * @param model the model
     * @param data samples with the model's number of features
     * @param title a title (the input's name), or null
     * @return the chart
     */
    public static JFreeChart model(MixtureModel model, Dataset data, String title) {
        return model(model, data, title, null);
    }

    /**
     * The picture of a model on its data, with feature names on the axes.
     *
     * @param model the model
     * @param data samples with the model's number of features
     * @param title a title (the input's name), or null
     * @param featureNames one name per feature, or null for x0, x1, ...
     * @return the chart
     */
    public static JFreeChart model(MixtureModel model, Dataset data, String title, List<String> featureNames) {
        if (data.dims() != model.nFeatures()) {
            throw new IllegalArgumentException("the data (" + data.describe() + ") has " + data.dims()
                    + " features but the model has " + model.nFeatures());
        }
        List<String> names = featureNames != null && featureNames.size() == data.dims() ? featureNames : null;
        return model.nFeatures() == 1 ? histogram(model, data, title, names) : scatter(model, data, title, names);
    }

    private static String subtitle(MixtureModel model) {
        return "k = " + model.nComponents() + ", " + model.covarianceType().jsonName() + " covariance"
                + (Double.isFinite(model.lowerBound()) ? String.format(java.util.Locale.ROOT, ", lower bound %.6g",
                model.lowerBound())
                : "");
    }

    private static double[] allValues(Dataset data, int maxRows) {
        long n = data.rows();
        int d = data.dims();
        long stride = Math.max(1, (n + maxRows - 1) / maxRows);
        int count = (int) ((n + stride - 1) / stride);
        double[] out = new double[count * d];
        double[] row = new double[d];
        for (int i = 0; i < count; i++) {
            data.read(i * stride, 1, row, 0);
            System.arraycopy(row, 0, out, i * d, d);
        }
        return out;
    }

    /** 1-D: histogram (density scale) + mixture density + each weighted component. */
    private static JFreeChart histogram(MixtureModel model, Dataset data, String title, List<String> names) {
        double[] x = allValues(data, 1_000_000);
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        double[][] means = model.means();
        for (int j = 0; j < model.nComponents(); j++) {
            double sd = Math.sqrt(model.covarianceMatrix(j)[0][0]);
            lo = Math.min(lo, means[j][0] - 3 * sd);
            hi = Math.max(hi, means[j][0] + 3 * sd);
        }
        if (!(hi > lo)) {
            hi = lo + 1;
        }
        HistogramDataset hist = new HistogramDataset();
        hist.setType(HistogramType.SCALE_AREA_TO_1);
        int bins = (int) Math.max(10, Math.min(80, Math.round(Math.sqrt(x.length))));
        hist.addSeries("data", x, bins);

        double[] grid = PlotGeometry.grid(lo, hi, 400);
        XYSeriesCollection lines = new XYSeriesCollection();
        XYSeries mix = new XYSeries("mixture density", false, true);
        double[] p = PlotGeometry.mixtureDensity1d(model, grid);
        for (int i = 0; i < grid.length; i++) {
            mix.add(grid[i], p[i]);
        }
        lines.addSeries(mix);
        for (int j = 0; j < model.nComponents(); j++) {
            XYSeries s = new XYSeries(String.format("component %d (weight %.3f)", j, model.weights()[j]), false,
                    true);
            double[] c = PlotGeometry.componentDensity1d(model, j, grid);
            for (int i = 0; i < grid.length; i++) {
                s.add(grid[i], c[i]);
            }
            lines.addSeries(s);
        }

        NumberAxis xAxis = new NumberAxis(names == null ? "x0" : names.get(0));
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis("density");
        XYBarRenderer bars = new XYBarRenderer(0.05);
        bars.setBarPainter(new StandardXYBarPainter());
        bars.setShadowVisible(false);
        bars.setSeriesPaint(0, new Color(180, 190, 205));
        XYPlot plot = new XYPlot(hist, xAxis, yAxis, bars);
        XYLineAndShapeRenderer lr = new XYLineAndShapeRenderer(true, false);
        lr.setDrawSeriesLineAsPath(true);
        lr.setSeriesPaint(0, Color.BLACK);
        lr.setSeriesStroke(0, new BasicStroke(2.5f));
        for (int j = 0; j < model.nComponents(); j++) {
            lr.setSeriesPaint(j + 1, colour(j));
            lr.setSeriesStroke(j + 1, new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                    new float[] {6f, 4f}, 0f));
        }
        plot.setDataset(1, lines);
        plot.setRenderer(1, lr);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        style(plot);
        JFreeChart chart = new JFreeChart(title == null ? "Gaussian mixture" : title, titleFont(), plot, true);
        chart.addSubtitle(new TextTitle(subtitle(model) + "; histogram, mixture density (black), weighted "
                + "components (dashed)"));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** 2-D (or principal components): scatter coloured by the most probable component, 1σ and 2σ ellipses. */
    private static JFreeChart scatter(MixtureModel model, Dataset data, String title, List<String> names) {
        PlotGeometry.Projection proj = PlotGeometry.projection(data);
        int d = data.dims();
        int k = model.nComponents();
        double[] x = allValues(data, MAX_POINTS);
        int n = x.length / d;
        XYSeriesCollection points = new XYSeriesCollection();
        XYSeries[] byComp = new XYSeries[k];
        for (int j = 0; j < k; j++) {
            byComp[j] = new XYSeries("component " + j, false, true);
        }
        double[] row = new double[d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(x, i * d, row, 0, d);
            double[] y = proj.apply(x, i * d);
            byComp[model.predict(row)].add(y[0], y[1]);
        }
        for (int j = 0; j < k; j++) {
            points.addSeries(byComp[j]);
        }
        XYSeriesCollection ellipses = new XYSeriesCollection();
        XYLineAndShapeRenderer er = new XYLineAndShapeRenderer(true, false);
        er.setDrawSeriesLineAsPath(true);
        List<double[][]> shapes = ellipses(model, proj);
        for (int j = 0; j < k; j++) {
            for (int s = 0; s < 2; s++) {
                double[][] e = shapes.get(2 * j + s);
                XYSeries ser = new XYSeries((s + 1) + "σ, component " + j, false, true);
                for (int i = 0; i < e[0].length; i++) {
                    ser.add(e[0][i], e[1][i]);
                }
                ellipses.addSeries(ser);
                int idx = 2 * j + s;
                er.setSeriesPaint(idx, colour(j).darker());
                er.setSeriesStroke(idx, s == 0 ? new BasicStroke(2.2f) : new BasicStroke(1.6f,
                        BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {7f, 5f}, 0f));
                er.setSeriesVisibleInLegend(idx, false);
            }
        }
        String xl = proj.isPrincipal() ? "principal component 1" : names == null ? "x0" : names.get(0);
        String yl = proj.isPrincipal() ? "principal component 2" : names == null ? "x1" : names.get(1);
        NumberAxis xAxis = new NumberAxis(xl);
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis(yl);
        yAxis.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer pr = new XYLineAndShapeRenderer(false, true);
        double r = n > 5000 ? 1.5 : 2.5;
        for (int j = 0; j < k; j++) {
            pr.setSeriesShape(j, new Ellipse2D.Double(-r, -r, 2 * r, 2 * r));
            Color c = colour(j);
            pr.setSeriesPaint(j, new Color(c.getRed(), c.getGreen(), c.getBlue(), n > 5000 ? 90 : 170));
        }
        XYPlot plot = new XYPlot(ellipses, xAxis, yAxis, er);
        plot.setDataset(1, points);
        plot.setRenderer(1, pr);
        plot.setDatasetRenderingOrder(org.jfree.chart.plot.DatasetRenderingOrder.FORWARD);
        style(plot);
        String t = title == null ? "Gaussian mixture" : title;
        if (proj.isPrincipal()) {
            t += " — first two principal components of " + d + " features";
        }
        JFreeChart chart = new JFreeChart(t, titleFont(), plot, true);
        chart.addSubtitle(new TextTitle(subtitle(model) + "; colour = most probable component; "
                + "ellipses at 1σ (solid) and 2σ (dashed)" + (n < data.rows() ? "; " + n + " of " + data.rows()
                + " samples shown" : "")));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /**
     * The ellipses a scatter draws: for each component j, its 1σ then 2σ ellipse of the projected Gaussian
     * (mean A(μⱼ − c), covariance AΣⱼAᵀ).
     *
     * @param model the model
     * @param proj the projection onto the plot's axes
     * @return 2K curves, each {x[], y[]}, in the order (j, 1σ), (j, 2σ)
     */
    public static List<double[][]> ellipses(MixtureModel model, PlotGeometry.Projection proj) {
        List<double[][]> out = new ArrayList<>();
        double[][] means = model.means();
        for (int j = 0; j < model.nComponents(); j++) {
            double[] m = proj.apply(means[j], 0);
            double[][] c = proj.apply(model.covarianceMatrix(j));
            for (int s = 1; s <= 2; s++) {
                out.add(PlotGeometry.ellipse(m, c, s, 121));
            }
        }
        return out;
    }

    /**
     * BIC and AIC against K, one line per covariance type and criterion, the chosen model marked.
     *
     * @param result a model selection
     * @param title a title, or null
     * @return the chart
     */
    public static JFreeChart selection(ModelSelection.Result result, String title) {
        XYSeriesCollection ds = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setDrawSeriesLineAsPath(true);
        List<CovarianceType> types = new ArrayList<>();
        for (ModelSelection.Candidate c : result.candidates()) {
            if (!types.contains(c.type())) {
                types.add(c.type());
            }
        }
        int idx = 0;
        for (int t = 0; t < types.size(); t++) {
            for (ModelSelection.Criterion crit : ModelSelection.Criterion.values()) {
                XYSeries s = new XYSeries(crit.name() + " " + types.get(t).jsonName(), true, true);
                for (ModelSelection.Candidate c : result.candidates()) {
                    if (c.type() == types.get(t) && c.ok()) {
                        s.add(c.k(), c.value(crit));
                    }
                }
                ds.addSeries(s);
                Paint p = colour(t);
                r.setSeriesPaint(idx, p);
                r.setSeriesStroke(idx, crit == ModelSelection.Criterion.BIC ? new BasicStroke(2f)
                        : new BasicStroke(1.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f,
                        new float[] {6f, 4f}, 0f));
                r.setSeriesShape(idx, crit == ModelSelection.Criterion.BIC
                        ? new Ellipse2D.Double(-3.5, -3.5, 7, 7) : new java.awt.Rectangle(-3, -3, 6, 6));
                idx++;
            }
        }
        NumberAxis xAxis = new NumberAxis("number of components K");
        xAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        xAxis.setAutoRangeIncludesZero(false);
        NumberAxis yAxis = new NumberAxis("criterion (lower is better)");
        yAxis.setAutoRangeIncludesZero(false);
        XYPlot plot = new XYPlot(ds, xAxis, yAxis, r);
        style(plot);
        ModelSelection.Candidate best = result.best();
        XYPointerAnnotation mark = new XYPointerAnnotation("chosen: k = " + best.k() + ", "
                + best.type().jsonName() + " (" + result.criterion().name() + " " + String.format("%.1f",
                best.value(result.criterion())) + ")", best.k(), best.value(result.criterion()), -Math.PI / 4);
        mark.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        mark.setArrowWidth(5);
        mark.setArrowLength(14);
        mark.setTipRadius(6);
        mark.setBaseRadius(40);
        plot.addAnnotation(mark);
        XYSeriesCollection chosen = new XYSeriesCollection();
        XYSeries cs = new XYSeries("chosen model");
        cs.add(best.k(), best.value(result.criterion()));
        chosen.addSeries(cs);
        XYLineAndShapeRenderer cr = new XYLineAndShapeRenderer(false, true);
        cr.setSeriesShape(0, new Ellipse2D.Double(-9, -9, 18, 18));
        cr.setSeriesPaint(0, Color.BLACK);
        cr.setUseOutlinePaint(true);
        cr.setSeriesShapesFilled(0, false);
        cr.setSeriesStroke(0, new BasicStroke(2.5f));
        plot.setDataset(1, chosen);
        plot.setRenderer(1, cr);
        JFreeChart chart = new JFreeChart(title == null ? "Model selection" : title, titleFont(), plot, true);
        chart.addSubtitle(new TextTitle("BIC (solid) and AIC (dashed) against K per covariance type; chosen by "
                + result.criterion().name()));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    private static Font titleFont() {
        return new Font(Font.SANS_SERIF, Font.BOLD, 17);
    }

    private static void style(XYPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        plot.setOrientation(PlotOrientation.VERTICAL);
    }

    /**
     * Writes a chart as PNG atomically (temporary file, then rename).
     *
     * @param chart the chart
     * @param path destination
     * @param width pixels
     * @param height pixels
     * @throws IOException when the file cannot be written
     */
    public static void writePng(JFreeChart chart, Path path, int width, int height) throws IOException {
        AtomicFiles.write(path, out -> ChartUtils.writeChartAsPNG(out, chart, width, height));
    }
}
