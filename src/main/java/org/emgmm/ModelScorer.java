package org.emgmm;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.Function;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.ScoreTotals;
import org.emgmm.backend.Scorer;
import org.emgmm.config.Precision;
import org.emgmm.data.Dataset;

/**
 * Everything after a fit — scikit-learn's {@code score}, {@code score_samples}, {@code predict},
 * {@code predict_proba}, {@code bic} and {@code aic} — as one scoring pass of a backend ({@link Backend#scorer}):
 * multi-threaded and vectorised on the CPU, on the device for OpenCL, streamed in blocks so that nothing of size
 * N×K is held unless asked for ({@link #predictProba}). {@link #evaluate} gives the score, BIC and AIC from one
 * pass. The backend is the caller's (it is not closed here); {@link MixtureModel}'s methods of the same names run
 * this on a CPU backend of all cores in double.
 */
public final class ModelScorer {
    private final MixtureModel model;
    private final Backend backend;

    /**
     * @param model the model to evaluate
     * @param backend the backend whose scoring pass runs (owned by the caller)
     */
    public ModelScorer(MixtureModel model, Backend backend) {
        if (model == null || backend == null) {
            throw new IllegalArgumentException("model and backend must not be null");
        }
        this.model = model;
        this.backend = backend;
    }

    /**
     * The model's quality on one dataset, from one pass.
     *
     * @param score weighted mean log-likelihood Σ ωᵢ log p(xᵢ) / Σ ωᵢ (scikit-learn's {@code score})
     * @param bic −2 · score · n + nParameters · log n, n = Σ ωᵢ (scikit-learn's {@code bic})
     * @param aic −2 · score · n + 2 · nParameters (scikit-learn's {@code aic})
     * @param totals the pass's totals
     */
    public record Evaluation(double score, double bic, double aic, ScoreTotals totals) {
    }

    /**
     * Score, BIC and AIC from one scoring pass.
     *
     * @param data samples (weights respected)
     * @return the evaluation
     */
    public Evaluation evaluate(Dataset data) {
        return evaluation(stream(data, EnumSet.noneOf(RowOutput.class), ScoreSink.none()));
    }

    /**
     * Score, BIC and AIC as {@link #evaluate}, from one E step of the backend's fit pass ({@link Backend#prepare},
     * {@link org.emgmm.backend.Pass#accumulate}) instead of its scoring pass: the same sum Σ ωᵢ log p(xᵢ) in a fixed
     * order (equal to rounding; deterministic at any thread count). Right after a fit on the same backend, that
     * pass's kernels are compiled and warm, where a first scoring pass would have its own to compile (about a second
     * of CPU time at the start of a short fit).
     *
     * @param data samples (weights respected)
     * @return the evaluation
     */
    public Evaluation evaluateByFitPass(Dataset data) {
        if (data.dims() != model.nFeatures()) {
            throw new IllegalArgumentException("the data (" + data.describe() + ") has " + data.dims()
                    + " features but the model has " + model.nFeatures());
        }
        org.emgmm.em.SufficientStatistics st;
        try (org.emgmm.backend.Pass pass = backend.prepare(data, model.nComponents(), model.covarianceType())) {
            st = pass.accumulate(model.gaussians());
        }
        return evaluation(new ScoreTotals(st.logLik, st.weightSum, data.rows()));
    }

    private Evaluation evaluation(ScoreTotals t) {
        double n = t.weightSum();
        double score = t.mean();
        long p = model.nParameters();
        return new Evaluation(score, -2 * score * n + p * Math.log(n), -2 * score * n + 2 * p, t);
    }

    /**
     * @param data samples (weights respected)
     * @return the weighted mean log-likelihood
     */
    public double score(Dataset data) {
        return evaluate(data).score();
    }

    /**
     * @param data samples
     * @return log p(xᵢ) per sample
     */
    public double[] scoreSamples(Dataset data) {
        double[] out = new double[rowsAsInt(data)];
        stream(data, EnumSet.of(RowOutput.LOG_PROB), intoArrays(b ->
                System.arraycopy(b.logProb(), 0, out, (int) b.start(), b.count())));
        return out;
    }

    /**
     * @param data samples
     * @return the most probable component of each sample
     */
    public int[] predict(Dataset data) {
        int[] out = new int[rowsAsInt(data)];
        stream(data, EnumSet.of(RowOutput.LABEL), intoArrays(b ->
                System.arraycopy(b.labels(), 0, out, (int) b.start(), b.count())));
        return out;
    }

    /**
     * @param data samples
     * @return N rows of K responsibilities (this one does hold N×K: the caller asked for it)
     */
    public double[][] predictProba(Dataset data) {
        double[][] out = new double[rowsAsInt(data)][];
        int k = model.nComponents();
        stream(data, EnumSet.of(RowOutput.PROBA), intoArrays(b -> {
            double[] p = b.proba();
            for (int i = 0; i < b.count(); i++) {
                out[(int) b.start() + i] = java.util.Arrays.copyOfRange(p, i * k, (i + 1) * k);
            }
        }));
        return out;
    }

    /**
     * One scoring pass that streams per-row outputs block by block (for outputs larger than memory).
     *
     * @param data samples
     * @param outputs what to compute per row
     * @param sink receives the blocks, converted on the workers, accepted in row order on this thread
     * @param <T> what the sink converts blocks to
     * @return the totals
     * @throws IllegalArgumentException when the data's feature count differs from the model's
     */
    public <T> ScoreTotals stream(Dataset data, Set<RowOutput> outputs, ScoreSink<T> sink) {
        if (data.dims() != model.nFeatures()) {
            throw new IllegalArgumentException("the data (" + data.describe() + ") has " + data.dims()
                    + " features but the model has " + model.nFeatures());
        }
        try (Scorer s = backend.scorer(data, model.nComponents(), model.covarianceType())) {
            return s.run(model.gaussians(), outputs, sink);
        }
    }

    /** A sink that copies each block into a result array on its worker (distinct ranges, so in any order). */
    private static ScoreSink<ScoreBlock> intoArrays(java.util.function.Consumer<ScoreBlock> copy) {
        return new ScoreSink<>() {
            @Override
            public ScoreBlock convert(ScoreBlock block) {
                copy.accept(block);
                return block;
            }

            @Override
            public void accept(ScoreBlock converted) {
            }
        };
    }

    private static int rowsAsInt(Dataset data) {
        if (data.rows() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(data.describe() + " has too many rows for one array; "
                    + "stream it (ModelScorer.stream)");
        }
        return (int) data.rows();
    }

    /**
     * Runs {@code f} on a scorer over a CPU backend of all cores in double, opened and closed here: what
     * {@link MixtureModel}'s evaluation methods use.
     *
     * @param model the model
     * @param f the evaluation
     * @param <R> its result
     * @return the result
     */
    static <R> R onCpu(MixtureModel model, Function<ModelScorer, R> f) {
        return onCpu(model, 0, f);
    }

    /**
     * As {@link #onCpu(MixtureModel, Function)} on a given number of threads (1 for a single sample: no pool).
     *
     * @param model the model
     * @param threads worker threads, 0 for all cores
     * @param f the evaluation
     * @param <R> its result
     * @return the result
     */
    static <R> R onCpu(MixtureModel model, int threads, Function<ModelScorer, R> f) {
        try (Backend cpu = Backends.cpu(threads, Precision.DOUBLE)) {
            return f.apply(new ModelScorer(model, cpu));
        }
    }
}
