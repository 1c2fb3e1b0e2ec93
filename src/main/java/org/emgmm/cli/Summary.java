package org.emgmm.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.emgmm.MixtureModel;
import org.emgmm.ModelScorer;
import org.emgmm.config.CovarianceType;

/**
 * The readable report after a fit: per component its weight, mean and standard deviation per feature (and
 * correlations for full and tied covariances), then lower bound, BIC, AIC, iterations, convergence, backend,
 * wall time and events.
 */
public final class Summary {
    /** Correlation matrices are printed whole up to this many features; above it, the strongest pairs. */
    static final int MAX_MATRIX_FEATURES = 8;

    private Summary() {
    }

    /**
     * @param d number of features
     * @param given names from the input, or null
     * @return names for each feature (x0, x1, ... when none are given)
     */
    static List<String> names(int d, List<String> given) {
        if (given != null && given.size() == d) {
            return given;
        }
        List<String> n = new ArrayList<>();
        for (int a = 0; a < d; a++) {
            n.add("x" + a);
        }
        return n;
    }

    /**
     * @param model the fitted model
     * @param ev the model's score, BIC and AIC on the data it was fitted on (one scoring pass)
     * @param dataName what the data is, in words
     * @param featureNames names of the features, or null
     * @param wallSeconds wall time of the fit
     * @param stopped whether Ctrl-C stopped it
     * @param events things worth reporting
     * @return the report, lines ending in newlines
     */
    public static String of(MixtureModel model, ModelScorer.Evaluation ev, String dataName, List<String> featureNames,
                            double wallSeconds, boolean stopped, List<String> events) {
        return of(model, ev.totals().rows(), ev.bic(), ev.aic(), dataName, featureNames, wallSeconds, stopped,
                events);
    }

    /**
     * The same report for data evaluated elsewhere (a Spark cluster), from its row count and criteria.
     *
     * @param model the fitted model
     * @param rows number of samples
     * @param bic the model's BIC on the data
     * @param aic the model's AIC on the data
     * @param dataName what the data is, in words
     * @param featureNames names of the features, or null
     * @param wallSeconds wall time of the fit
     * @param stopped whether Ctrl-C stopped it
     * @param events things worth reporting
     * @return the report, lines ending in newlines
     */
    public static String of(MixtureModel model, long rows, double bic, double aic, String dataName,
                            List<String> featureNames, double wallSeconds, boolean stopped, List<String> events) {
        return body(model, rows, dataName, featureNames) + tail(model, bic, aic, wallSeconds, stopped, events);
    }

    /**
     * The report's first part, which needs only the model and the data's size: the header and each component's
     * table. The command builds it on a thread of its own while the scoring pass for BIC and AIC runs (the many
     * formatted numbers take some ten milliseconds in a JVM that has not formatted any yet).
     *
     * @param model the fitted model
     * @param rows number of samples
     * @param dataName what the data is, in words
     * @param featureNames names of the features, or null
     * @return the header and the components, lines ending in newlines
     */
    public static String body(MixtureModel model, long rows, String dataName, List<String> featureNames) {
        StringBuilder sb = new StringBuilder();
        int k = model.nComponents();
        int d = model.nFeatures();
        List<String> names = names(d, featureNames);
        int nameWidth = 7;
        for (String s : names) {
            nameWidth = Math.max(nameWidth, s.length());
        }
        sb.append(String.format(Locale.ROOT, "Gaussian mixture: k = %d, %s covariance; data: %s, %d samples x %d "
                + "features%n%n", k, model.covarianceType().jsonName(), dataName, rows, d));
        double[] w = model.weights();
        double[][] mu = model.means();
        for (int j = 0; j < k; j++) {
            double[][] c = model.covarianceMatrix(j);
            sb.append(String.format(Locale.ROOT, "component %d   weight %.5f%n", j, w[j]));
            sb.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s  %14s  %14s%n", "feature", "mean",
                    "std dev"));
            for (int a = 0; a < d; a++) {
                sb.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s  %14.6g  %14.6g%n", names.get(a),
                        mu[j][a], Math.sqrt(c[a][a])));
            }
            boolean correlated = model.covarianceType() == CovarianceType.FULL
                    || model.covarianceType() == CovarianceType.TIED;
            if (correlated && d > 1 && (j == 0 || model.covarianceType() == CovarianceType.FULL)) {
                correlations(sb, c, names, nameWidth, model.covarianceType() == CovarianceType.TIED);
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * The report's last part: lower bound, BIC, AIC, parameters, iterations, convergence, backend, wall time, events.
     *
     * @param model the fitted model
     * @param bic the model's BIC on the data
     * @param aic the model's AIC on the data
     * @param wallSeconds wall time of the fit
     * @param stopped whether Ctrl-C stopped it
     * @param events things worth reporting
     * @return the lines, ending in newlines
     */
    public static String tail(MixtureModel model, double bic, double aic, double wallSeconds, boolean stopped,
                              List<String> events) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "lower bound   %.10g  (mean log-likelihood per sample)%n",
                model.lowerBound()));
        sb.append(String.format(Locale.ROOT, "BIC           %.6f%n", bic));
        sb.append(String.format(Locale.ROOT, "AIC           %.6f%n", aic));
        sb.append(String.format(Locale.ROOT, "parameters    %d%n", model.nParameters()));
        String conv;
        if (stopped) {
            conv = "no: stopped by Ctrl-C (best model so far)";
        } else if (model.converged()) {
            conv = String.format(Locale.ROOT, "yes (change below tol %s)", model.tol());
        } else {
            conv = "no: reached the iteration limit; raise --max-iter or --tol";
        }
        sb.append(String.format(Locale.ROOT, "iterations    %d%n", model.nIter()));
        sb.append("converged     ").append(conv).append('\n');
        sb.append("backend       ").append(model.backend()).append(" (").append(model.device()).append(")\n");
        sb.append(String.format(Locale.ROOT, "wall time     %.3f s%n", wallSeconds));
        if (events == null || events.isEmpty()) {
            sb.append("events        none\n");
        } else {
            sb.append("events\n");
            for (String e : events) {
                sb.append("  - ").append(e).append('\n');
            }
        }
        return sb.toString();
    }

    private static void correlations(StringBuilder sb, double[][] c, List<String> names, int width, boolean tied) {
        int d = c.length;
        String label = tied ? "  correlations (shared by all components):" : "  correlations:";
        int cw = 7;
        for (String n : names) {
            cw = Math.max(cw, Math.min(n.length(), 12));
        }
        if (d <= MAX_MATRIX_FEATURES) {
            sb.append(label).append('\n');
            for (int a = 1; a < d; a++) {
                sb.append(String.format(Locale.ROOT, "  %-" + width + "s", names.get(a)));
                for (int b = 0; b < a; b++) {
                    sb.append(String.format(Locale.ROOT, "  %+" + cw + ".4f", c[a][b] / Math.sqrt(c[a][a] * c[b][b])));
                }
                sb.append('\n');
            }
            sb.append(String.format(Locale.ROOT, "  %-" + width + "s", ""));
            for (int b = 0; b < d - 1; b++) {
                String n = names.get(b);
                sb.append("  ").append(String.format(Locale.ROOT, "%" + cw + "s", n.length() > cw ? n.substring(0, cw) : n));
            }
            sb.append('\n');
        } else {
            List<double[]> pairs = new ArrayList<>();
            for (int a = 1; a < d; a++) {
                for (int b = 0; b < a; b++) {
                    pairs.add(new double[] {a, b, c[a][b] / Math.sqrt(c[a][a] * c[b][b])});
                }
            }
            pairs.sort((p, q) -> Double.compare(Math.abs(q[2]), Math.abs(p[2])));
            sb.append(label).append(" strongest of ").append(pairs.size()).append(" pairs:");
            for (int i = 0; i < Math.min(5, pairs.size()); i++) {
                double[] p = pairs.get(i);
                sb.append(String.format(Locale.ROOT, "  %s~%s %+.4f", names.get((int) p[0]), names.get((int) p[1]),
                        p[2]));
            }
            sb.append('\n');
        }
    }
}
