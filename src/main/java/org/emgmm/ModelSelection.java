package org.emgmm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.SharedPassBackend;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.data.Dataset;
import org.emgmm.em.Initializer;
import org.emgmm.em.NotPositiveDefiniteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the number of components and the covariance type by an information criterion: fits every candidate
 * (each K of a list × each covariance type, each with the base settings' {@code nInit} restarts) and keeps the one
 * with the lowest BIC (default) or AIC, as one would loop over scikit-learn's {@code GaussianMixture(...).bic(X)}.
 *
 * <pre>{@code
 * ModelSelection.Result r = new ModelSelection(GmmSettings.builder().seed(1).build(),
 *         ModelSelection.range(1, 6), List.of(CovarianceType.values()), ModelSelection.Criterion.BIC).fit(data);
 * MixtureModel best = r.best().model();
 * }</pre>
 *
 * One backend is opened for all candidates. A candidate whose K exceeds the number of samples, or whose fit fails
 * with a {@link NotPositiveDefiniteException}, is recorded with its error and skipped.
 *
 * <p>On the CPU and OpenCL backends the candidates are fitted together, each on its own thread (initialisation, M steps and
 * scoring overlap), and all the candidates still iterating share one read of the data per EM iteration
 * ({@link SharedPassBackend}, {@link Backend#prepareMulti}); a converged candidate drops out. Every candidate's
 * model is the same bits as when it is fitted alone ({@link #sequential()} fits them one after the other, as
 * before). The listener hears each candidate's events in candidate order, once the candidate is done.
 *
 * <p>On every backend the candidates share their initialisation ({@link Initializer.Shared}): one sample of the
 * data, and Lloyd's k-means iterations once per K for all the covariance types (the candidates of one K draw the
 * same k-means++ seeds); each start is the same bits as the candidate's own ({@link #sequential()} shares nothing).
 *
 * <p>Under {@link BackendKind#AUTO}, a candidate that fails in float is first refitted in double, as a single fit is
 * ({@link GaussianMixture#fit(Dataset, Backends.Choice, FitListener)}: a warning, and an event to the listener and
 * in the model) and scored in double on the CPU.
 */
public final class ModelSelection {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSelection.class);
    private final GmmSettings base;
    private final int[] ks;
    private final List<CovarianceType> types;
    private final Criterion criterion;
    private final boolean shared;
    /** At most this many candidates are fitted at once. */
    static final int MAX_TOGETHER = 64;

    /** Which information criterion decides (lower is better for both). */
    public enum Criterion {
        /** Bayesian information criterion, {@link MixtureModel#bic}. */
        BIC,
        /** Akaike information criterion, {@link MixtureModel#aic}. */
        AIC;

        /**
         * @param name bic or aic (any case)
         * @return the criterion
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Criterion parse(String name) {
            String n = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
            for (Criterion c : values()) {
                if (c.name().equals(n)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("unknown criterion '" + name + "': expected bic or aic");
        }
    }

    /** Receives progress of a selection: the per-fit events of {@link FitListener}, plus candidate boundaries. */
    public interface Listener extends FitListener {
        /**
         * A candidate's fit starts.
         *
         * @param index 0-based candidate index
         * @param total number of candidates
         * @param k its number of components
         * @param type its covariance type
         */
        default void candidateStarted(int index, int total, int k, CovarianceType type) {
        }

        /**
         * A candidate's fit finished (or failed).
         *
         * @param candidate the outcome
         */
        default void candidateFinished(Candidate candidate) {
        }
    }

    /** The outcome of one candidate: its model and criteria, or the reason it failed. */
    public static final class Candidate {
        private final int k;
        private final CovarianceType type;
        private final MixtureModel model;
        private final double bic;
        private final double aic;
        private final String error;

        Candidate(int k, CovarianceType type, MixtureModel model, double bic, double aic, String error) {
            this.k = k;
            this.type = type;
            this.model = model;
            this.bic = bic;
            this.aic = aic;
            this.error = error;
        }

        /** @return the number of components */
        public int k() {
            return k;
        }

        /** @return the covariance type */
        public CovarianceType type() {
            return type;
        }

        /** @return the fitted model, or null when the fit failed */
        public MixtureModel model() {
            return model;
        }

        /** @return the BIC on the data (NaN when failed) */
        public double bic() {
            return bic;
        }

        /** @return the AIC on the data (NaN when failed) */
        public double aic() {
            return aic;
        }

        /**
         * @param c a criterion
         * @return this candidate's value of it (NaN when failed)
         */
        public double value(Criterion c) {
            return c == Criterion.BIC ? bic : aic;
        }

        /** @return why the fit failed, or null when it succeeded */
        public String error() {
            return error;
        }

        /** @return whether the fit succeeded */
        public boolean ok() {
            return model != null;
        }
    }

    /** All candidates in the order fitted, and the chosen one. */
    public static final class Result {
        private final List<Candidate> candidates;
        private final Criterion criterion;
        private final boolean stopped;

        Result(List<Candidate> candidates, Criterion criterion, boolean stopped) {
            this.candidates = Collections.unmodifiableList(new ArrayList<>(candidates));
            this.criterion = criterion;
            this.stopped = stopped;
        }

        /** @return every candidate, in fitting order (types in the given order, K ascending within a type) */
        public List<Candidate> candidates() {
            return candidates;
        }

        /** @return the criterion that chose */
        public Criterion criterion() {
            return criterion;
        }

        /** @return whether a listener stopped the selection before every candidate was fitted */
        public boolean stopped() {
            return stopped;
        }

        /**
         * @return the successful candidate with the lowest criterion (the first on ties)
         * @throws IllegalStateException when every candidate failed
         */
        public Candidate best() {
            Candidate best = null;
            for (Candidate c : candidates) {
                if (c.ok() && (best == null || c.value(criterion) < best.value(criterion))) {
                    best = c;
                }
            }
            if (best == null) {
                StringBuilder why = new StringBuilder("no candidate model could be fitted");
                if (!candidates.isEmpty() && candidates.get(0).error() != null) {
                    why.append(" (first failure: k = ").append(candidates.get(0).k()).append(", ")
                            .append(candidates.get(0).type().jsonName()).append(": ")
                            .append(candidates.get(0).error()).append(')');
                }
                throw new IllegalStateException(why.toString());
            }
            return best;
        }
    }

    /**
     * @param base settings shared by every candidate (tol, regCovar, maxIter, nInit, seed, init, backend, ...);
     *             its k and covariance type are replaced per candidate, and it must not carry a start
     * @param ks candidate numbers of components, each at least 1
     * @param types candidate covariance types, not empty
     * @param criterion the deciding criterion
     * @throws IllegalArgumentException for an empty or invalid candidate list, or a base with a start
     */
    public ModelSelection(GmmSettings base, int[] ks, List<CovarianceType> types, Criterion criterion) {
        this(base, ks, types, criterion, true);
    }

    private ModelSelection(GmmSettings base, int[] ks, List<CovarianceType> types, Criterion criterion,
                           boolean shared) {
        if (base == null || criterion == null) {
            throw new IllegalArgumentException("base settings and criterion must not be null");
        }
        if (base.start() != null) {
            throw new IllegalArgumentException("model selection fits each candidate from scratch: "
                    + "the base settings must not carry a start");
        }
        if (ks == null || ks.length == 0) {
            throw new IllegalArgumentException("candidate k list is empty");
        }
        for (int k : ks) {
            if (k < 1) {
                throw new IllegalArgumentException("candidate k must be at least 1, got " + k);
            }
        }
        if (types == null || types.isEmpty() || types.stream().anyMatch(java.util.Objects::isNull)) {
            throw new IllegalArgumentException("candidate covariance types must be a non-empty list");
        }
        this.base = base;
        this.ks = ks.clone();
        this.types = List.copyOf(types);
        this.criterion = criterion;
        this.shared = shared;
    }

    /**
     * @return the same selection, fitting the candidates one after the other on the calling thread, each with its
     *     own passes and its own initialisation, as if fitted alone (the same models, bit for bit; slower)
     */
    public ModelSelection sequential() {
        return new ModelSelection(base, ks, types, criterion, false);
    }

    /**
     * @param from smallest K, at least 1
     * @param to largest K, at least {@code from}
     * @return {@code from, from + 1, ..., to}
     * @throws IllegalArgumentException for an empty or invalid range
     */
    public static int[] range(int from, int to) {
        if (from < 1 || to < from) {
            throw new IllegalArgumentException("k range " + from + ".." + to + " is empty or starts below 1");
        }
        int[] r = new int[to - from + 1];
        for (int i = 0; i < r.length; i++) {
            r[i] = from + i;
        }
        return r;
    }

    /** @return the candidate K values (copy) */
    public int[] ks() {
        return ks.clone();
    }

    /** @return the candidate covariance types */
    public List<CovarianceType> types() {
        return types;
    }

    /** @return the number of candidate fits */
    public int size() {
        return ks.length * types.size();
    }

    /**
     * @param data the samples
     * @return every candidate and the best
     */
    public Result fit(Dataset data) {
        return fit(data, new Listener() { });
    }

    /**
     * Fits every candidate on one backend chosen by the base settings.
     *
     * @param data the samples
     * @param listener progress; its {@link FitListener#stopRequested()} stops the selection after the current
     *                 iteration, keeping what was fitted so far (candidates fitted together: every candidate
     *                 running at the stop, as it stood, and none of those not started)
     * @return every candidate and the best
     */
    public Result fit(Dataset data, Listener listener) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        Backends.Choice choice = Backends.open(base, data);
        try (Backend backend = choice.backend()) {
            if (choice.warning() != null) {
                listener.event(choice.warning());
            }
            return fit(data, backend, listener);
        }
    }

    /**
     * Fits every candidate on a backend the caller owns.
     *
     * @param data the samples
     * @param backend the backend
     * @param listener progress
     * @return every candidate and the best
     */
    public Result fit(Dataset data, Backend backend, Listener listener) {
        if (data == null || backend == null || listener == null) {
            throw new IllegalArgumentException("data, backend and listener must not be null");
        }
        List<Slot> plan = plan();
        Initializer.Shared inits = shared
                ? new Initializer.Shared(data, types.stream().anyMatch(CovarianceType::needsOuterProducts)) : null;
        // the backends with a multi-model pass that reads the data once for all candidates (OpenClMultiPass: opencl)
        if (shared && plan.size() > 1 && (backend instanceof CpuBackend || "opencl".equals(backend.name()))) {
            return fitTogether(data, backend, listener, plan, inits);
        }
        List<Candidate> out = new ArrayList<>();
        boolean stopped = false;
        for (int index = 0; index < plan.size(); index++) {
            Slot slot = plan.get(index);
            listener.candidateStarted(index, plan.size(), slot.k, slot.type);
            Candidate c = fitOne(data, backend, listener, slot.k, slot.type, inits);
            out.add(c);
            listener.candidateFinished(c);
            if (listener.stopRequested()) {
                stopped = index + 1 < plan.size();
                break;
            }
        }
        return new Result(out, criterion, stopped);
    }

    /** One candidate of the plan. */
    private record Slot(int k, CovarianceType type) {
    }

    /** The candidates in fitting order: types in the given order, K ascending within a type. */
    private List<Slot> plan() {
        int[] sorted = ks.clone();
        Arrays.sort(sorted);
        List<Slot> plan = new ArrayList<>();
        for (CovarianceType type : types) {
            for (int k : sorted) {
                plan.add(new Slot(k, type));
            }
        }
        return plan;
    }

    /**
     * Every candidate on its own thread, their E steps shared; the listener hears each candidate's events in
     * candidate order. After a stop, candidates not yet started are skipped and those running stop after their
     * current iteration (and are kept, not converged, as the running candidate of a sequential selection is); the
     * result is then marked stopped.
     */
    private Result fitTogether(Dataset data, Backend backend, Listener listener, List<Slot> plan,
                               Initializer.Shared inits) {
        ExecutorService threads = Executors.newFixedThreadPool(together(data, plan.size()), r -> {
            Thread t = new Thread(r, "emgmm-candidate");
            t.setDaemon(true);
            return t;
        });
        try (SharedPassBackend group = new SharedPassBackend(backend, data)) {
            List<Future<Recorded>> runs = new ArrayList<>();
            for (Slot slot : plan) {
                runs.add(threads.submit(() -> {
                    if (listener.stopRequested()) {
                        return null;
                    }
                    RecordingListener rec = new RecordingListener(listener);
                    Candidate c = fitOne(data, group, rec, slot.k, slot.type, inits);
                    return new Recorded(c, rec, listener.stopRequested());
                }));
            }
            List<Candidate> out = new ArrayList<>();
            boolean stopped = false;
            for (int index = 0; index < plan.size(); index++) {
                Recorded r = await(runs, index);
                if (r == null) {
                    stopped = true;
                    continue;
                }
                listener.candidateStarted(index, plan.size(), plan.get(index).k, plan.get(index).type);
                r.recorder.replay();
                stopped |= r.stopSeen;
                out.add(r.candidate);
                listener.candidateFinished(r.candidate);
            }
            LOG.debug("{} candidates: {} shared passes served {} E steps", plan.size(), group.sharedPasses(),
                    group.modelPasses());
            return new Result(out, criterion, stopped);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * How many candidates run at once: all of them, up to {@link #MAX_TOGETHER}, and no more than a quarter of the
     * heap holds in initialisation samples (each candidate's fit keeps one: up to {@link Initializer#MAX_SAMPLE}
     * rows, row- and feature-major). A candidate waiting for a thread starts when one finishes.
     */
    static int together(Dataset data, int candidates) {
        long sampleBytes = 16L * Math.min(data.rows(), Initializer.MAX_SAMPLE) * data.dims() + 1;
        long byMemory = Runtime.getRuntime().maxMemory() / 4 / sampleBytes;
        return (int) Math.max(1, Math.min(Math.min(candidates, MAX_TOGETHER), byMemory));
    }

    private static Recorded await(List<Future<Recorded>> runs, int index) {
        try {
            return runs.get(index).get();
        } catch (InterruptedException e) {
            runs.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during model selection", e);
        } catch (ExecutionException e) {
            runs.forEach(f -> f.cancel(true));
            throw Backends.unchecked(e.getCause());
        }
    }

    /**
     * A candidate fitted on its own thread, with what its listener heard, and whether a stop had been requested
     * by the end of its fit (which may then have ended early).
     */
    private record Recorded(Candidate candidate, RecordingListener recorder, boolean stopSeen) {
    }

    private Candidate fitOne(Dataset data, Backend backend, FitListener listener, int k, CovarianceType type,
                             Initializer.Shared inits) {
        if (k > data.rows()) {
            return new Candidate(k, type, null, Double.NaN, Double.NaN,
                    "k = " + k + " is larger than the number of samples (" + data.rows() + ")");
        }
        GmmSettings s = base.toBuilder().k(k).covarianceType(type).build();
        try {
            // under auto a float failure is refitted in double (on a backend opened for it), else rethrown
            MixtureModel m = new GaussianMixture(s, true, inits).fit(data, new Backends.Choice(backend, null),
                    listener);
            // BIC and AIC from one pass; a double refit is scored in double (float could not represent it)
            ModelScorer.Evaluation ev = GaussianMixture.refittedInDouble(m)
                    ? ModelScorer.onCpu(m, sc -> sc.evaluate(data)) : new ModelScorer(m, backend).evaluate(data);
            return new Candidate(k, type, m, ev.bic(), ev.aic(), null);
        } catch (NotPositiveDefiniteException e) {
            return new Candidate(k, type, null, Double.NaN, Double.NaN, e.getMessage());
        }
    }
}
