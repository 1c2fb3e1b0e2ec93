package org.emgmm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;

/**
 * A fitted (or loaded) Gaussian mixture: immutable; every getter returns a copy. Parameterised and named as
 * scikit-learn's {@code GaussianMixture} ({@code weights_}, {@code means_}, {@code covariances_}), and saved in the
 * model JSON format of DESIGN.md, which scikit-learn attributes map onto one to one.
 */
public final class MixtureModel {
    /** The value of the "format" field of a model file. */
    public static final String FORMAT = "emgmm-model";
    /** The model file version this code writes and reads. */
    public static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Gaussians g;
    private final boolean converged;
    private final int nIter;
    private final double lowerBound;
    private final double[] history;
    private final double regCovar;
    private final double tol;
    private final String backend;
    private final String device;
    private final List<String> events;

    /**
     * @param g parameters (taken, not copied: callers hand over ownership)
     * @param converged whether the fit met its tolerance
     * @param nIter EM iterations of the retained initialisation
     * @param lowerBound final mean log-likelihood (lower bound)
     * @param history lower bound after each iteration
     * @param regCovar regularisation used
     * @param tol tolerance used
     * @param backend backend name
     * @param device device in words
     * @param events notable things that happened (re-seeded components, fallbacks)
     */
    MixtureModel(Gaussians g, boolean converged, int nIter, double lowerBound, double[] history, double regCovar,
                 double tol, String backend, String device, List<String> events) {
        this.g = g;
        this.converged = converged;
        this.nIter = nIter;
        this.lowerBound = lowerBound;
        this.history = history.clone();
        this.regCovar = regCovar;
        this.tol = tol;
        this.backend = backend;
        this.device = device;
        this.events = List.copyOf(events);
    }

    /**
     * A model from parameters, for evaluation or as a start. Validates shapes and positive-definiteness.
     *
     * @param type covariance type
     * @param weights K weights summing to 1
     * @param means K×D means, row-major
     * @param covariances covariances in the type's layout (see {@link StartParameters})
     * @return the model (not converged, 0 iterations)
     * @throws IllegalArgumentException for wrong shapes or values
     * @throws NotPositiveDefiniteException naming the component
     */
    public static MixtureModel of(CovarianceType type, double[] weights, double[] means, double[] covariances) {
        if (weights == null || means == null || covariances == null || weights.length == 0
                || means.length % weights.length != 0 || means.length == 0) {
            throw new IllegalArgumentException("a model needs K weights, K×D means and covariances");
        }
        int k = weights.length;
        int d = means.length / k;
        new StartParameters(weights, means, covariances).check(k, d, type);
        Gaussians g = Gaussians.of(type, weights.clone(), means.clone(), covariances.clone(), 0);
        return new MixtureModel(g, false, 0, Double.NaN, new double[0], 0, 0, "none", "none", List.of());
    }

    /** @return the parameters, for backends and the fitter (read-only) */
    Gaussians gaussians() {
        return g;
    }

    /** @return covariance type */
    public CovarianceType covarianceType() {
        return g.type;
    }

    /** @return number of components K */
    public int nComponents() {
        return g.k;
    }

    /** @return number of features D */
    public int nFeatures() {
        return g.d;
    }

    /** @return mixing weights (copy), length K */
    public double[] weights() {
        return g.weights.clone();
    }

    /** @return means, K rows of D (copy) */
    public double[][] means() {
        double[][] m = new double[g.k][];
        for (int j = 0; j < g.k; j++) {
            m[j] = java.util.Arrays.copyOfRange(g.means, j * g.d, (j + 1) * g.d);
        }
        return m;
    }

    /** @return means, K×D row-major (copy) */
    public double[] meansFlat() {
        return g.means.clone();
    }

    /** @return covariances in the type's flat layout: spherical K, diag K×D, full K×D×D, tied D×D (copy) */
    public double[] covariancesFlat() {
        return g.covariances.clone();
    }

    /**
     * @param j component
     * @return component j's full D×D covariance matrix, whatever the type (diagonal for diag and spherical)
     */
    public double[][] covarianceMatrix(int j) {
        int d = g.d;
        double[][] c = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                switch (g.type) {
                    case FULL: c[a][b] = g.covariances[(j * d + a) * d + b]; break;
                    case TIED: c[a][b] = g.covariances[a * d + b]; break;
                    case DIAG: c[a][b] = a == b ? g.covariances[j * d + a] : 0; break;
                    default: c[a][b] = a == b ? g.covariances[j] : 0; break;
                }
            }
        }
        return c;
    }

    /** @return whether the fit converged within its tolerance */
    public boolean converged() {
        return converged;
    }

    /** @return EM iterations run by the retained initialisation */
    public int nIter() {
        return nIter;
    }

    /** @return the final lower bound (mean log-likelihood), NaN for a model that was never fitted */
    public double lowerBound() {
        return lowerBound;
    }

    /** @return the lower bound after each iteration (copy) */
    public double[] lowerBoundHistory() {
        return history.clone();
    }

    /** @return the regCovar of the fit */
    public double regCovar() {
        return regCovar;
    }

    /** @return the tol of the fit */
    public double tol() {
        return tol;
    }

    /** @return the backend that ran the fit ("cpu", "opencl", or "none") */
    public String backend() {
        return backend;
    }

    /** @return the device the fit ran on, in words */
    public String device() {
        return device;
    }

    /** @return things that happened during the fit worth reporting (re-seeded components, fallbacks) */
    public List<String> events() {
        return events;
    }

    /**
     * Number of free parameters, as scikit-learn's {@code _n_parameters}: covariance parameters + K·D + K − 1.
     *
     * @return the count
     */
    public long nParameters() {
        return g.type.covarianceParameters(g.k, g.d) + (long) g.k * g.d + g.k - 1;
    }

    private void checkDims(int d, String where) {
        if (d != g.d) {
            throw new IllegalArgumentException(where + " has " + d + " features but the model has " + g.d);
        }
    }

    /**
     * @param x one sample of D features
     * @return log p(x)
     */
    public double scoreSample(double[] x) {
        checkDims(x.length, "the sample");
        return g.logJoint(x, 0, new double[g.d], new double[g.k]);
    }

    /**
     * Responsibilities (posterior component probabilities) of one sample.
     *
     * @param x one sample of D features
     * @return K probabilities summing to 1
     */
    public double[] predictProba(double[] x) {
        checkDims(x.length, "the sample");
        double[] out = new double[g.k];
        double lse = g.logJoint(x, 0, new double[g.d], out);
        for (int j = 0; j < g.k; j++) {
            out[j] = Math.exp(out[j] - lse);
        }
        return out;
    }

    /**
     * @param x one sample of D features
     * @return the most probable component
     */
    public int predict(double[] x) {
        checkDims(x.length, "the sample");
        double[] out = new double[g.k];
        g.logJoint(x, 0, new double[g.d], out);
        int best = 0;
        for (int j = 1; j < g.k; j++) {
            if (out[j] > out[best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * @param data samples
     * @return log p(xᵢ) per sample (scikit-learn's {@code score_samples}); a {@link ModelScorer} pass on the CPU
     */
    public double[] scoreSamples(Dataset data) {
        return ModelScorer.onCpu(this, s -> s.scoreSamples(data));
    }

    /**
     * @param data samples (weights respected)
     * @return the weighted mean log-likelihood Σ ωᵢ log p(xᵢ) / Σ ωᵢ (scikit-learn's {@code score})
     */
    public double score(Dataset data) {
        return ModelScorer.onCpu(this, s -> s.score(data));
    }

    /**
     * @param data samples
     * @return the most probable component of each sample
     */
    public int[] predict(Dataset data) {
        return ModelScorer.onCpu(this, s -> s.predict(data));
    }

    /**
     * @param data samples
     * @return N rows of K responsibilities
     */
    public double[][] predictProba(Dataset data) {
        return ModelScorer.onCpu(this, s -> s.predictProba(data));
    }

    /**
     * Bayesian information criterion, as scikit-learn: −2 · score · n + nParameters · log n, with n the total
     * sample weight (the number of rows when unweighted). For BIC and AIC together, {@link ModelScorer#evaluate}
     * gives both from one pass.
     *
     * @param data samples
     * @return the BIC (lower is better)
     */
    public double bic(Dataset data) {
        return ModelScorer.onCpu(this, s -> s.evaluate(data).bic());
    }

    /**
     * Akaike information criterion: −2 · score · n + 2 · nParameters.
     *
     * @param data samples
     * @return the AIC (lower is better)
     */
    public double aic(Dataset data) {
        return ModelScorer.onCpu(this, s -> s.evaluate(data).aic());
    }

    /** Samples drawn from a model with their component labels. */
    public static final class Samples {
        private final double[][] x;
        private final int[] labels;

        Samples(double[][] x, int[] labels) {
            this.x = x;
            this.labels = labels;
        }

        /** @return the samples, n rows of D (the caller owns the arrays) */
        public double[][] x() {
            return x;
        }

        /** @return the component each sample was drawn from */
        public int[] labels() {
            return labels;
        }
    }

    /**
     * Draws samples: a component by its weight, then x = μⱼ + Lⱼz with Σⱼ = LⱼLⱼᵀ and z standard normal.
     * The same seed gives the same samples.
     *
     * @param n number of samples, at least 1
     * @param seed random seed
     * @return samples and labels
     */
    public Samples sample(int n, long seed) {
        if (n < 1) {
            throw new IllegalArgumentException("n must be at least 1, got " + n);
        }
        int d = g.d;
        double[][] chol = new double[g.k][];
        for (int j = 0; j < g.k; j++) {
            double[][] c = covarianceMatrix(j);
            double[] flat = new double[d * d];
            for (int a = 0; a < d; a++) {
                System.arraycopy(c[a], 0, flat, a * d, d);
            }
            chol[j] = Gaussians.choleskyLower(flat, 0, d, j, 0);
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] x = new double[n][d];
        int[] labels = new int[n];
        double[] z = new double[d];
        for (int i = 0; i < n; i++) {
            double u = rnd.nextDouble();
            int j = 0;
            double c = g.weights[0];
            while (u >= c && j < g.k - 1) {
                j++;
                c += g.weights[j];
            }
            labels[i] = j;
            for (int a = 0; a < d; a++) {
                z[a] = gaussian(rnd);
            }
            for (int a = 0; a < d; a++) {
                double s = g.means[j * d + a];
                for (int b = 0; b <= a; b++) {
                    s += chol[j][a * d + b] * z[b];
                }
                x[i][a] = s;
            }
        }
        return new Samples(x, labels);
    }

    /** Standard normal by the polar Box–Muller method (deterministic given the generator's state). */
    private static double gaussian(SplittableRandom rnd) {
        double u;
        double v;
        double s;
        do {
            u = 2 * rnd.nextDouble() - 1;
            v = 2 * rnd.nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        return u * Math.sqrt(-2 * Math.log(s) / s);
    }

    // ---------------------------------------------------------------- JSON

    /** @return the model file text (DESIGN.md's format) */
    public String toJson() {
        return writeJson(toJsonTree());
    }

    /** @return the model file as a JSON tree, to which a checkpoint adds its fields */
    ObjectNode toJsonTree() {
        ObjectNode o = JSON.createObjectNode();
        o.put("format", FORMAT);
        o.put("version", VERSION);
        o.put("covariance_type", g.type.jsonName());
        o.put("n_components", g.k);
        o.put("n_features", g.d);
        o.set("weights", array(g.weights, 0, g.k));
        ArrayNode means = o.putArray("means");
        for (int j = 0; j < g.k; j++) {
            means.add(array(g.means, j * g.d, g.d));
        }
        int d = g.d;
        switch (g.type) {
            case SPHERICAL:
                o.set("covariances", array(g.covariances, 0, g.k));
                break;
            case DIAG: {
                ArrayNode c = o.putArray("covariances");
                for (int j = 0; j < g.k; j++) {
                    c.add(array(g.covariances, j * d, d));
                }
                break;
            }
            case TIED:
                o.set("covariances", matrix(g.covariances, 0, d));
                break;
            default: {
                ArrayNode c = o.putArray("covariances");
                for (int j = 0; j < g.k; j++) {
                    c.add(matrix(g.covariances, j * d * d, d));
                }
            }
        }
        o.put("converged", converged);
        o.put("n_iter", nIter);
        if (Double.isFinite(lowerBound)) {
            o.put("lower_bound", lowerBound);
        } else {
            o.putNull("lower_bound");
        }
        o.set("lower_bound_history", array(history, 0, history.length));
        o.put("reg_covar", regCovar);
        o.put("tol", tol);
        o.put("backend", backend);
        o.put("device", device);
        if (!events.isEmpty()) {
            ArrayNode ev = o.putArray("events");
            events.forEach(ev::add);
        }
        return o;
    }

    /** @return the text of a JSON tree, indented, with a final newline */
    static String writeJson(JsonNode o) {
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode array(double[] v, int off, int len) {
        ArrayNode a = JSON.createArrayNode();
        for (int i = 0; i < len; i++) {
            a.add(v[off + i]);
        }
        return a;
    }

    private static ArrayNode matrix(double[] v, int off, int d) {
        ArrayNode a = JSON.createArrayNode();
        for (int r = 0; r < d; r++) {
            a.add(array(v, off + r * d, d));
        }
        return a;
    }

    /**
     * Writes the model file atomically: to a temporary file beside {@code path}, then renamed over it, so an
     * interrupted save never leaves a partial file.
     *
     * @param path destination
     * @throws IOException when the file cannot be written
     */
    public void save(Path path) throws IOException {
        org.emgmm.data.AtomicFiles.write(path, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @param path a model file
     * @return the model
     * @throws IOException when the file cannot be read
     * @throws IllegalArgumentException naming the file and field when the content is not a valid model
     */
    public static MixtureModel load(Path path) throws IOException {
        String text = Files.readString(path, StandardCharsets.UTF_8);
        try {
            return fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param text model file content
     * @return the model
     * @throws IllegalArgumentException naming the field when the content is not a valid model
     */
    public static MixtureModel fromJson(String text) {
        return fromJsonTree(readJson(text));
    }

    /**
     * @param text JSON text
     * @return its tree, an object
     * @throws IllegalArgumentException naming line and column when it is not JSON, or not an object
     */
    static JsonNode readJson(String text) {
        JsonNode o;
        try {
            o = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage() + " at line "
                    + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr(), e);
        }
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("a model file must hold a JSON object");
        }
        return o;
    }

    /**
     * @param o a model file's JSON object
     * @return the model
     * @throws IllegalArgumentException naming the field when the content is not a valid model
     */
    static MixtureModel fromJsonTree(JsonNode o) {
        if (o.has("format") && !FORMAT.equals(o.get("format").asText())) {
            throw new IllegalArgumentException("field \"format\" is \"" + o.get("format").asText()
                    + "\", expected \"" + FORMAT + "\"");
        }
        if (o.has("version") && o.get("version").asInt() > VERSION) {
            throw new IllegalArgumentException("model file version " + o.get("version").asInt()
                    + " is newer than this emgmm reads (" + VERSION + ")");
        }
        CovarianceType type = CovarianceType.parse(text(o, "covariance_type"));
        double[] weights = flatten(require(o, "weights"), "weights", 1);
        double[] means = flatten(require(o, "means"), "means", 2);
        int depth = type == CovarianceType.SPHERICAL ? 1 : type == CovarianceType.FULL ? 3 : 2;
        double[] cov = flatten(require(o, "covariances"), "covariances", depth);
        int k = weights.length;
        if (k == 0) {
            throw new IllegalArgumentException("field \"weights\" is empty");
        }
        if (o.has("n_components") && o.get("n_components").asInt() != k) {
            throw new IllegalArgumentException("field \"n_components\" is " + o.get("n_components").asInt()
                    + " but \"weights\" has " + k + " values");
        }
        if (means.length % k != 0) {
            throw new IllegalArgumentException("field \"means\" does not hold " + k + " rows of equal length");
        }
        int d = means.length / k;
        if (o.has("n_features") && o.get("n_features").asInt() != d) {
            throw new IllegalArgumentException("field \"n_features\" is " + o.get("n_features").asInt()
                    + " but \"means\" rows have " + d + " values");
        }
        new StartParameters(weights, means, cov).check(k, d, type);
        Gaussians g = Gaussians.of(type, weights, means, cov, 0);
        List<Double> hist = new ArrayList<>();
        if (o.has("lower_bound_history") && o.get("lower_bound_history").isArray()) {
            o.get("lower_bound_history").forEach(v -> hist.add(v.asDouble()));
        }
        double[] h = hist.stream().mapToDouble(Double::doubleValue).toArray();
        List<String> ev = new ArrayList<>();
        if (o.has("events") && o.get("events").isArray()) {
            o.get("events").forEach(v -> ev.add(v.asText()));
        }
        JsonNode lb = o.get("lower_bound");
        return new MixtureModel(g, o.path("converged").asBoolean(false), o.path("n_iter").asInt(0),
                lb == null || lb.isNull() ? Double.NaN : lb.asDouble(), h, o.path("reg_covar").asDouble(0),
                o.path("tol").asDouble(0), o.path("backend").asText("unknown"), o.path("device").asText("unknown"),
                Collections.unmodifiableList(ev));
    }

    private static JsonNode require(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field \"" + field + "\"");
        }
        return v;
    }

    private static String text(JsonNode o, String field) {
        return require(o, field).asText();
    }

    private static double[] flatten(JsonNode v, String field, int depth) {
        List<Double> out = new ArrayList<>();
        flattenInto(v, field, depth, out, field);
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static void flattenInto(JsonNode v, String field, int depth, List<Double> out, String where) {
        if (depth == 0) {
            if (!v.isNumber()) {
                throw new IllegalArgumentException("field \"" + field + "\": " + where + " is " + v
                        + ", expected a number");
            }
            out.add(v.asDouble());
            return;
        }
        if (!v.isArray()) {
            throw new IllegalArgumentException("field \"" + field + "\": " + where + " is " + v
                    + ", expected an array (nested " + depth + " deep)");
        }
        int width = -1;
        for (int i = 0; i < v.size(); i++) {
            JsonNode c = v.get(i);
            if (depth > 1) {
                if (width >= 0 && c.size() != width) {
                    throw new IllegalArgumentException("field \"" + field + "\": " + where + "[" + i + "] has "
                            + c.size() + " values, the previous rows " + width);
                }
                width = c.size();
            }
            flattenInto(c, field, depth - 1, out, where + "[" + i + "]");
        }
    }

    /**
     * The model a fit produced, with its history and the backend/device it ran on: used by the fitter here and by
     * fitters outside this package (the Spark estimator, which runs {@link org.emgmm.em.EmLoop} over a cluster).
     *
     * @param g final parameters (taken, not copied)
     * @param converged whether the fit met its tolerance
     * @param nIter EM iterations of the retained initialisation
     * @param lowerBound final mean log-likelihood
     * @param history lower bound after each iteration
     * @param s the fit's settings (regCovar and tol are recorded)
     * @param backend backend name
     * @param device device in words
     * @param events notable things that happened
     * @return the model
     */
    public static MixtureModel fitted(Gaussians g, boolean converged, int nIter, double lowerBound, double[] history,
                               GmmSettings s, String backend, String device, List<String> events) {
        return new MixtureModel(g, converged, nIter, lowerBound, history, s.regCovar(), s.tol(), backend, device,
                events);
    }

    /**
     * Convenience for arrays.
     *
     * @param x samples, one row each
     * @return log p(xᵢ)
     */
    public double[] scoreSamples(double[][] x) {
        return scoreSamples(ArrayDataset.of(x, null));
    }
}
