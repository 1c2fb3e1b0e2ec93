package org.emgmm;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.emgmm.backend.Backend;
import org.emgmm.backend.Backends;
import org.emgmm.backend.Pass;
import org.emgmm.backend.SharedPassBackend;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.DataFingerprint;
import org.emgmm.data.Dataset;
import org.emgmm.em.EmLoop;
import org.emgmm.em.Gaussians;
import org.emgmm.em.Initializer;
import org.emgmm.em.NotPositiveDefiniteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits a Gaussian mixture by expectation–maximisation (Dempster, Laird and Rubin 1977; Bishop, PRML §9.2),
 * parameterised as scikit-learn's {@code GaussianMixture} so results compare iteration for iteration.
 *
 * <pre>{@code
 * GmmSettings s = GmmSettings.builder().k(2).covarianceType(CovarianceType.FULL).seed(1).build();
 * MixtureModel m = new GaussianMixture(s).fit(ArrayDataset.of(rows, null));
 * }</pre>
 *
 * Settings are validated when built; the data and the start are checked before any work. A fit hands its whole
 * state to {@link FitListener#checkpoint} after every iteration; a fit started with
 * {@link StartParameters#resume(FitState)} continues from such a state to the same bits as the uninterrupted fit.
 *
 * <p>On the CPU backend the {@code nInit} restarts of a fit run together, each on its own thread, sharing one read
 * of the data per iteration ({@link SharedPassBackend}); the result, the events and the listener's calls (made on
 * the caller's thread, restart by restart, in order) are those of restarts run one after another, bit for bit.
 * Restarts run one after another when the fit resumes from a checkpoint or the listener takes checkpoints
 * (overrides {@link FitListener#checkpoint}), whose state describes one running restart.
 */
public final class GaussianMixture {
    private static final Logger LOG = LoggerFactory.getLogger(GaussianMixture.class);
    /** How the event of a float fit refitted in double under auto ends. */
    static final String REFITTED_IN_DOUBLE = "refitted in double precision";
    private final GmmSettings settings;
    /** Whether restarts may run together (tests turn it off to compare with restarts run one after another). */
    private final boolean restartsTogether;
    /** Initializers shared with other fits of the same data (a model selection's candidates), or null. */
    private final Initializer.Shared initializers;

    /** @param settings validated settings */
    public GaussianMixture(GmmSettings settings) {
        this(settings, true, null);
    }

    GaussianMixture(GmmSettings settings, boolean restartsTogether) {
        this(settings, restartsTogether, null);
    }

    /**
     * @param settings validated settings
     * @param restartsTogether whether restarts may run together
     * @param initializers initializers shared with other fits (the same starts as its own), or null
     */
    GaussianMixture(GmmSettings settings, boolean restartsTogether, Initializer.Shared initializers) {
        if (settings == null) {
            throw new IllegalArgumentException("settings must not be null");
        }
        this.settings = settings;
        this.restartsTogether = restartsTogether;
        this.initializers = initializers;
    }

    /** @return the settings */
    public GmmSettings settings() {
        return settings;
    }

    /**
     * @param rows samples, one array per row
     * @return the fitted model
     */
    public MixtureModel fit(double[][] rows) {
        return fit(ArrayDataset.of(rows, null));
    }

    /**
     * @param data the samples
     * @return the fitted model
     */
    public MixtureModel fit(Dataset data) {
        return fit(data, new FitListener() { });
    }

    /**
     * Fits with a backend chosen by the settings (opened and closed here). Under {@link BackendKind#AUTO}, a float
     * fit that fails with {@link NotPositiveDefiniteException} is refitted in double precision, with a warning
     * and an event in the model (see {@link #fit(Dataset, Backends.Choice, FitListener)}).
     *
     * @param data the samples
     * @param listener progress listener
     * @return the fitted model
     * @throws IllegalArgumentException for inconsistent data and settings (k &gt; n, start shapes)
     * @throws NotPositiveDefiniteException naming component and iteration
     */
    public MixtureModel fit(Dataset data, FitListener listener) {
        checkInputs(data);
        Backends.Choice choice = Backends.open(settings, data);
        try (Backend backend = choice.backend()) {
            return fit(data, choice, listener);
        }
    }

    /**
     * Fits on a backend chosen by {@link Backends#open} for these settings (the caller closes it); its fallback
     * warning, if any, becomes an event. Under {@link BackendKind#AUTO}, when the backend computes in float and
     * the fit fails with {@link NotPositiveDefiniteException}, the whole fit is run again in double precision on
     * a backend opened (and closed) here; the failure is logged as a warning and reported as an event, to the
     * listener and in {@link MixtureModel#events()}. An explicit backend is never retried: the error says that
     * float could not represent the covariance and suggests double.
     *
     * @param data the samples
     * @param choice the opened backend and its warning
     * @param listener progress listener
     * @return the fitted model
     * @throws NotPositiveDefiniteException naming component and iteration (and float precision where it applies)
     */
    public MixtureModel fit(Dataset data, Backends.Choice choice, FitListener listener) {
        checkInputs(data);
        List<String> events = new ArrayList<>();
        if (choice.warning() != null) {
            events.add(choice.warning());
            listener.event(choice.warning());
        }
        try {
            return fit(data, choice.backend(), listener, events);
        } catch (NotPositiveDefiniteException e) {
            if (settings.backend() != BackendKind.AUTO || !e.floatPrecision()) {
                throw e;
            }
            String msg = "float precision could not represent a covariance ("
                    + (e.component() < 0 ? "tied" : "component " + e.component()) + ", EM iteration "
                    + e.iteration() + "); " + REFITTED_IN_DOUBLE;
            LOG.warn(msg);
            events.add(msg);
            listener.event(msg);
            // a float checkpoint does not continue in double: the double fit starts over from the user's start
            StartParameters st = settings.start();
            StartParameters fresh = st == null || st.resumeState() == null ? st
                    : st.weights() == null && st.means() == null && st.covariances() == null ? null
                    : new StartParameters(st.weights(), st.means(), st.covariances());
            GmmSettings ds = settings.toBuilder().precision(Precision.DOUBLE).start(fresh).build();
            Backends.Choice dc = Backends.open(ds, data);
            try (Backend db = dc.backend()) {
                if (dc.warning() != null) {
                    events.add(dc.warning());
                    listener.event(dc.warning());
                }
                return new GaussianMixture(ds).fit(data, db, listener, events);
            }
        }
    }

    /**
     * Fits on a backend the caller owns (and closes), so one backend serves many fits. Never retried: a float
     * failure throws {@link NotPositiveDefiniteException} with {@link NotPositiveDefiniteException#floatPrecision()}
     * set.
     *
     * @param data the samples
     * @param backend the backend
     * @param listener progress listener
     * @return the fitted model
     */
    public MixtureModel fit(Dataset data, Backend backend, FitListener listener) {
        checkInputs(data);
        return fit(data, backend, listener, new ArrayList<>());
    }

    /**
     * @param m a model fitted here
     * @return whether it is the double refit of a float fit that failed under auto
     */
    static boolean refittedInDouble(MixtureModel m) {
        return m.events().stream().anyMatch(e -> e.endsWith(REFITTED_IN_DOUBLE));
    }

    private void checkInputs(Dataset data) {
        if (data == null) {
            throw new IllegalArgumentException("data must not be null");
        }
        if (settings.k() > data.rows()) {
            throw new IllegalArgumentException("k = " + settings.k() + " is larger than the number of samples ("
                    + data.rows() + ")");
        }
        if (settings.start() != null) {
            settings.start().check(settings.k(), data.dims(), settings.covarianceType());
        }
    }

    private MixtureModel fit(Dataset data, Backend backend, FitListener listener, List<String> events) {
        GmmSettings s = settings;
        StartParameters start = s.start();
        FitState from = start == null ? null : start.resumeState();
        if (restartsTogether && from == null && s.nInit() > 1 && backend instanceof CpuBackend
                && !takesCheckpoints(listener)) {
            return fitRestartsTogether(data, backend, listener, events);
        }
        ObjectNode settingsKey = FitState.settingsOf(s, backend.name());
        Supplier<DataFingerprint> fingerprint = FitState.lazyFingerprint(data);
        if (from != null) {
            from.checkResumable(settingsKey, fingerprint.get());
            listener.event("resumed from a checkpoint: initialisation " + (from.restart() + 1) + " of " + s.nInit()
                    + (from.restartDone() ? " had finished" : " after " + from.iterations() + " iterations"));
        }
        String device = backend.device();
        SplittableRandom root = new SplittableRandom(s.seed());
        Initializer init = initializers == null ? new Initializer(data, s.seed()) : initializers.of(data, s.seed());
        EmLoop.Result best = from == null ? null : from.bestResult();
        int bestIndex = from == null ? -1 : from.bestRestart();
        int first = from == null ? 0 : from.restart() + (from.restartDone() ? 1 : 0);
        try (Pass pass = backend.prepare(data, s.k(), s.covarianceType())) {
            for (int r = 0; r < s.nInit(); r++) {
                SplittableRandom rnd = root.split(); // every initialisation's generator, in order
                if (r < first) {
                    continue;
                }
                listener.initStarted(r, s.nInit());
                Gaussians g0 = initialize(init, rnd);
                EmLoop.Result at = EmLoop.Result.start(g0);
                if (from != null && r == from.restart()) {
                    at = from.loopState();
                    for (int i = 0; i < at.reseedDraws; i++) {
                        init.randomRow(rnd); // the generator as it was at the checkpoint
                    }
                }
                final int restart = r;
                final EmLoop.Result bestBefore = best;
                final int bestBeforeIndex = bestIndex;
                EmLoop.Result res;
                try {
                    res = EmLoop.run(pass, at, s.tol(), s.regCovar(), s.maxIter(), r, init, rnd, listener,
                            state -> {
                                boolean better = state.done && state.beats(bestBefore);
                                listener.checkpoint(FitState.of(state, restart, better ? state : bestBefore,
                                        better ? restart : bestBeforeIndex, s, settingsKey, backend.name(), device,
                                        fingerprint));
                            });
                } catch (NotPositiveDefiniteException e) {
                    throw backend.precision() == Precision.FLOAT ? e.inFloat() : e;
                }
                if (res.beats(best)) {
                    best = res;
                    bestIndex = r;
                }
                if (res.stopped) {
                    break;
                }
            }
        }
        return fitted(best, backend, events);
    }

    /**
     * The restarts of {@link #fit(Dataset, Backend, FitListener, List)} on threads of their own, their E steps shared:
     * each restart draws from the generator it has when run in order (the root's splits, in order), its events are
     * replayed on the caller's thread once it and every restart before it have finished, and the winner is chosen
     * in restart order as there (the first with the highest lower bound; a failure or a stop ends the sequence at
     * that restart, as it would have ended the loop).
     */
    private MixtureModel fitRestartsTogether(Dataset data, Backend backend, FitListener listener,
                                             List<String> events) {
        GmmSettings s = settings;
        int n = s.nInit();
        SplittableRandom root = new SplittableRandom(s.seed());
        SplittableRandom[] rnds = new SplittableRandom[n];
        for (int r = 0; r < n; r++) {
            rnds[r] = root.split(); // every initialisation's generator, in order
        }
        Initializer init = initializers == null ? new Initializer(data, s.seed()) : initializers.of(data, s.seed());
        ExecutorService threads = Executors.newFixedThreadPool(Math.min(n, ModelSelection.MAX_TOGETHER), t -> {
            Thread th = new Thread(t, "emgmm-restart");
            th.setDaemon(true);
            return th;
        });
        List<Future<Restart>> runs = new ArrayList<>();
        EmLoop.Result best = null;
        try (SharedPassBackend group = new SharedPassBackend(backend, data)) {
            for (int r = 0; r < n; r++) {
                final int restart = r;
                runs.add(threads.submit(() -> {
                    RecordingListener rec = new RecordingListener(listener);
                    rec.initStarted(restart, n);
                    Gaussians g0 = initialize(init, rnds[restart]);
                    try (Pass pass = group.prepare(data, s.k(), s.covarianceType())) {
                        return new Restart(EmLoop.run(pass, EmLoop.Result.start(g0), s.tol(), s.regCovar(),
                                s.maxIter(), restart, init, rnds[restart], rec, state -> { }), rec, null);
                    } catch (NotPositiveDefiniteException e) {
                        return new Restart(null, rec, e);
                    }
                }));
            }
            // in restart order: each one's events as soon as it and those before it have finished; after the
            // restart that ends the sequence (a failure, a stop) the rest are only waited for, so that every
            // member has left the group before it closes
            RuntimeException failure = null;
            boolean ended = false;
            for (Future<Restart> f : runs) {
                Restart run;
                try {
                    run = await(f);
                } catch (RuntimeException e) {
                    if (!ended) {
                        failure = e;
                        ended = true;
                    }
                    continue;
                }
                if (ended) {
                    continue;
                }
                run.events.replay();
                if (run.failure != null) {
                    failure = backend.precision() == Precision.FLOAT ? run.failure.inFloat() : run.failure;
                    ended = true;
                } else {
                    if (run.result.beats(best)) {
                        best = run.result;
                    }
                    ended = run.result.stopped;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            threads.shutdownNow();
        }
        return fitted(best, backend, events);
    }

    /** @return one initialisation's start: the settings' method and start parameters, drawn from {@code rnd} */
    private Gaussians initialize(Initializer init, SplittableRandom rnd) {
        GmmSettings s = settings;
        StartParameters start = s.start();
        return init.initialize(s.k(), s.covarianceType(), s.init(), s.regCovar(),
                start == null ? null : start.weights(), start == null ? null : start.means(),
                start == null ? null : start.covariances(), rnd);
    }

    /** @return the model of the winning initialisation, with the fit's events and then the winner's */
    private MixtureModel fitted(EmLoop.Result best, Backend backend, List<String> events) {
        events.addAll(best.events);
        return MixtureModel.fitted(best.params, best.converged && !best.stopped, best.history.length,
                best.lowerBound(), best.history, settings, backend.name(), backend.device(), events);
    }

    /** One restart run on its own thread: its result or its failure, and what its listener heard. */
    private record Restart(EmLoop.Result result, RecordingListener events, NotPositiveDefiniteException failure) {
    }

    private static Restart await(Future<Restart> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while restarts were running", e);
        } catch (ExecutionException e) {
            throw Backends.unchecked(e.getCause());
        }
    }

    /** @return whether the listener overrides {@link FitListener#checkpoint} (then restarts run one at a time) */
    private static boolean takesCheckpoints(FitListener listener) {
        try {
            return listener.getClass().getMethod("checkpoint", FitState.class).getDeclaringClass()
                    != FitListener.class;
        } catch (NoSuchMethodException e) {
            return true;
        }
    }
}
