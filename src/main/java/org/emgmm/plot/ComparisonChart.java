package org.emgmm.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.emgmm.bench.ComparisonReport;
import org.emgmm.config.Precision;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The picture of {@code emgmm bench --compare --plot}: milliseconds per EM iteration against N, log-log, one line
 * per backend and precision (and per problem shape when several were compared); double solid, float dashed.
 */
public final class ComparisonChart {
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private ComparisonChart() {
    }

    /**
     * @param report a comparison (rows that failed are left out)
     * @return the chart
     * @throws IllegalArgumentException when no row has a time
     */
    public static JFreeChart of(ComparisonReport report) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        Map<String, Precision> precisions = new LinkedHashMap<>();
        List<String> labels = new ArrayList<>();
        boolean manyShapes = report.rows().stream().map(r -> r.problem().shape()).distinct().count() > 1;
        for (ComparisonReport.Row r : report.rows()) {
            if (!(r.millis() > 0)) {
                continue;
            }
            String key = r.target().name() + (manyShapes ? ", " + r.problem().shape() : "");
            XYSeries s = series.computeIfAbsent(key, x -> new XYSeries(x, true, true));
            if (!labels.contains(r.target().label())) {
                labels.add(r.target().label());
            }
            precisions.put(key, r.target().precision());
            s.add(r.problem().n(), r.millis());
        }
        if (series.isEmpty()) {
            throw new IllegalArgumentException("no backend produced a time: nothing to plot");
        }
        XYSeriesCollection ds = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int i = 0;
        for (Map.Entry<String, XYSeries> e : series.entrySet()) {
            ds.addSeries(e.getValue());
            String label = e.getKey().substring(0, e.getKey().indexOf(' '));
            renderer.setSeriesPaint(i, Charts.colour(labels.indexOf(label)));
            renderer.setSeriesStroke(i, precisions.get(e.getKey()) == Precision.DOUBLE ? new BasicStroke(2f)
                    : new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f},
                    0f));
            i++;
        }
        LogAxis x = decades("N (samples)", ds.getDomainLowerBound(false), ds.getDomainUpperBound(false));
        LogAxis y = decades("ms per EM iteration (median)", ds.getRangeLowerBound(false),
                ds.getRangeUpperBound(false));
        XYPlot plot = new XYPlot(ds, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(220, 220, 220));
        plot.setRangeGridlinePaint(new Color(220, 220, 220));
        JFreeChart chart = new JFreeChart("emgmm bench --compare", new Font(Font.SANS_SERIF, Font.BOLD, 17), plot,
                true);
        String shapes = manyShapes ? "several shapes" : report.rows().get(0).problem().shape();
        chart.addSubtitle(new TextTitle("ms per iteration against N, log-log; " + shapes
                + "; double solid, float dashed"));
        chart.setBackgroundPaint(Color.WHITE);
        return chart;
    }

    /** A log axis a little wider than the whole decades around [lo, hi], a labelled tick per decade. */
    private static LogAxis decades(String label, double lo, double hi) {
        LogAxis a = new LogAxis(label);
        double from = Math.pow(10, Math.floor(Math.log10(lo)));
        double to = Math.pow(10, Math.ceil(Math.log10(hi)));
        a.setRange(from / 1.2, (to > from ? to : from * 10) * 1.2); // decade ticks inside the plot, labels unclipped
        a.setAutoTickUnitSelection(false);
        a.setTickUnit(new NumberTickUnit(1));
        a.setNumberFormatOverride(new DecimalFormat("#,##0.####", DecimalFormatSymbols.getInstance(Locale.ROOT)));
        return a;
    }
}
