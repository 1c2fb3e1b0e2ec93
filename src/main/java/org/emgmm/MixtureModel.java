package org.emgmm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.AtomicFiles;
import org.emgmm.data.Dataset;
import org.emgmm.em.Gaussians;
import org.emgmm.em.NotPositiveDefiniteException;

/**
 * A fitted (or loaded) Gaussian mixture: immutable; every getter returns a copy. Parameterised and named as
 * scikit-learn's {@code GaussianMixture} ({@code weights_}, {@code means_}, {@code covariances_}), and saved in the
 * model JSON format of DESIGN.md, which scikit-learn attributes map onto one to one. This class is the value and
 * scikit-learn's methods; the work is elsewhere: every evaluation is a scoring pass of a backend
 * ({@link ModelScorer}), the file format is {@link ModelJson}, sampling is {@link ModelSampler}.
 */
public final class MixtureModel {
    /** The value of the "format" field of a model file. */
    public static final String FORMAT = "emgmm-model";
    /** The model file version this code writes and reads. */
    public static final int VERSION = 1;

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
     * @return log p(x) (a one-row scoring pass, as {@link #scoreSamples(Dataset)})
     */
    public double scoreSample(double[] x) {
        return ModelScorer.onCpu(this, 1, s -> s.scoreSamples(oneRow(x)))[0];
    }

    /**
     * Responsibilities (posterior component probabilities) of one sample.
     *
     * @param x one sample of D features
     * @return K probabilities summing to 1 (a one-row scoring pass, as {@link #predictProba(Dataset)})
     */
    public double[] predictProba(double[] x) {
        return ModelScorer.onCpu(this, 1, s -> s.predictProba(oneRow(x)))[0];
    }

    /**
     * @param x one sample of D features
     * @return the most probable component (a one-row scoring pass, as {@link #predict(Dataset)})
     */
    public int predict(double[] x) {
        return ModelScorer.onCpu(this, 1, s -> s.predict(oneRow(x)))[0];
    }

    private Dataset oneRow(double[] x) {
        checkDims(x.length, "the sample");
        return ArrayDataset.of(x.clone(), x.length, null);
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
     * Draws samples: a component by its weight, then x = μⱼ + Lⱼz with Σⱼ = LⱼLⱼᵀ and z standard normal
     * ({@link ModelSampler}). The same seed gives the same samples.
     *
     * @param n number of samples, at least 1
     * @param seed random seed
     * @return samples and labels
     */
    public Samples sample(int n, long seed) {
        return ModelSampler.sample(this, n, seed);
    }

    /** @return the model file text (DESIGN.md's format; see {@link ModelJson}) */
    public String toJson() {
        return ModelJson.toJson(this);
    }

    /**
     * Writes the model file atomically: to a temporary file beside {@code path}, then renamed over it, so an
     * interrupted save never leaves a partial file.
     *
     * @param path destination
     * @throws IOException when the file cannot be written
     */
    public void save(Path path) throws IOException {
        AtomicFiles.write(path, toJson().getBytes(StandardCharsets.UTF_8));
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
        return ModelJson.fromJson(text);
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
