package org.emgmm;

import org.emgmm.config.CovarianceType;

/**
 * A user-given starting point for a fit: any subset of weights, means and covariances; what is missing is
 * estimated (see {@link GmmSettings.Builder#start}). Arrays are copied in and out.
 *
 * <p>Shapes: weights K; means K×D row-major; covariances in the layout of {@link CovarianceType}: spherical K,
 * diag K×D, full K×D×D, tied D×D (row-major).
 *
 * <p>A start can also continue a fit from a checkpoint ({@link #resume(FitState)}, {@link #resumingFrom}): the fit
 * then checks that its settings and data are those of the checkpoint and carries on where it stopped.
 */
public final class StartParameters {
    private final double[] weights;
    private final double[] means;
    private final double[] covariances;
    private final FitState resume;

    /**
     * @param weights K weights, or null
     * @param means K×D means (row-major), or null
     * @param covariances covariances in the type's layout, or null
     */
    public StartParameters(double[] weights, double[] means, double[] covariances) {
        this(weights, means, covariances, null);
    }

    private StartParameters(double[] weights, double[] means, double[] covariances, FitState resume) {
        this.weights = weights == null ? null : weights.clone();
        this.means = means == null ? null : means.clone();
        this.covariances = covariances == null ? null : covariances.clone();
        this.resume = resume;
    }

    /**
     * Continues a fit from a checkpoint (a state a {@link FitListener#checkpoint} received, or
     * {@link FitState#load} read) of a fit that had no start parameters. The fit must have the same settings and
     * data as the checkpointed one, else it throws {@link IllegalArgumentException} naming what differs before
     * any work; it then ends with the same bits as the uninterrupted fit.
     *
     * <pre>{@code
     * GmmSettings again = settings.toBuilder().start(StartParameters.resume(FitState.load(path))).build();
     * MixtureModel m = new GaussianMixture(again).fit(data, listener);
     * }</pre>
     *
     * @param state the checkpoint
     * @return a start that resumes it
     */
    public static StartParameters resume(FitState state) {
        return new StartParameters(null, null, null, null).resumingFrom(state);
    }

    /**
     * The same start parameters, continuing a checkpoint of a fit that started from them (they still start the
     * initialisations that had not begun, and must be those the checkpointed fit had).
     *
     * @param state the checkpoint
     * @return a start with these parameters that resumes the checkpoint
     */
    public StartParameters resumingFrom(FitState state) {
        if (state == null) {
            throw new IllegalArgumentException("the state to resume from must not be null");
        }
        return new StartParameters(weights, means, covariances, state);
    }

    /** @return the checkpoint this start resumes, or null */
    public FitState resumeState() {
        return resume;
    }

    /**
     * The parameters of a fitted (or loaded) model as a start: a warm start.
     *
     * @param model the model
     * @return all three parameter sets of the model
     */
    public static StartParameters of(MixtureModel model) {
        return new StartParameters(model.weights(), model.meansFlat(), model.covariancesFlat());
    }

    /** @return a copy of the weights, or null */
    public double[] weights() {
        return weights == null ? null : weights.clone();
    }

    /** @return a copy of the means, or null */
    public double[] means() {
        return means == null ? null : means.clone();
    }

    /** @return a copy of the covariances, or null */
    public double[] covariances() {
        return covariances == null ? null : covariances.clone();
    }

    /** @return whether all three parameter sets are given, so no initialisation method is needed */
    public boolean isComplete() {
        return weights != null && means != null && covariances != null;
    }

    /**
     * Checks the shapes and values against a fit's K, D and covariance type.
     *
     * @throws IllegalArgumentException saying which part has which wrong shape or value
     */
    void check(int k, int d, CovarianceType type) {
        if (weights != null) {
            if (weights.length != k) {
                throw new IllegalArgumentException("start weights: " + weights.length + " values for k = " + k);
            }
            double s = 0;
            for (int j = 0; j < k; j++) {
                if (!(weights[j] > 0) || Double.isInfinite(weights[j])) {
                    throw new IllegalArgumentException("start weights: weight " + j + " is " + weights[j]
                            + ", weights must be positive and finite");
                }
                s += weights[j];
            }
            if (Math.abs(s - 1) > 1e-6) {
                throw new IllegalArgumentException("start weights sum to " + s + ", not 1");
            }
        }
        if (means != null) {
            if (means.length != k * d) {
                throw new IllegalArgumentException("start means: " + means.length + " values, expected k × d = "
                        + k + " × " + d + " = " + (k * d));
            }
            for (int i = 0; i < means.length; i++) {
                if (!Double.isFinite(means[i])) {
                    throw new IllegalArgumentException("start means: component " + (i / d) + ", feature " + (i % d)
                            + " is " + means[i]);
                }
            }
        }
        if (covariances != null) {
            int expected = org.emgmm.em.Gaussians.covarianceLength(type, k, d);
            if (covariances.length != expected) {
                throw new IllegalArgumentException("start covariances: " + covariances.length + " values, expected "
                        + expected + " for " + type.jsonName() + " covariance with k = " + k + ", d = " + d);
            }
            for (int i = 0; i < covariances.length; i++) {
                if (!Double.isFinite(covariances[i])) {
                    throw new IllegalArgumentException("start covariances: value " + i + " is " + covariances[i]);
                }
            }
        }
    }
}
