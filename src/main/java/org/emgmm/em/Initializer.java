package org.emgmm.em;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.stream.IntStream;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.Dataset;

/**
 * Starting parameters for EM, computed on the host from a sample of the data (all rows up to {@link #MAX_SAMPLE},
 * else a seeded random subset), as scikit-learn's {@code _initialize_parameters}: responsibilities from the
 * chosen method, then one M step (with regCovar) turns them into weights, means and covariances. User-given
 * parts of a start replace the estimated ones.
 *
 * <p>Speed: the sample is also held feature-major, and the O(m·K·D) work of k-means (the nearest-centre search of
 * Lloyd's iterations, the k-means++ distance updates) runs over blocks of {@value #ROWS_PER_TASK} rows in parallel
 * (the common fork-join pool, or the pool of the calling fork-join task), in loops over contiguous rows that the
 * JIT vectorises; Lloyd's iterations skip the rows whose label provably stays ({@link Lloyd}). Every row's distance is summed over the features in the same order as a plain loop would, each
 * row's result depends only on that row, and the sums across rows run in row order on one thread, so the result
 * is the same bits at any thread count, and the same as the plain single-threaded loops.
 *
 * <p>An initializer is immutable once drawn (on first use), and may serve several fits at once. Fits of one dataset
 * and seed (the candidates of a model selection) can share one through {@link Shared}: one sample for all of them, each
 * k-means++ seeding computed once for the fits whose generators draw the same values ({@link KMeansPlusPlus.Memo}),
 * and Lloyd's iterations run once for every k-means++ seeding that several fits draw (the same K from the same
 * generator state gives the same seeds, whatever the covariance type): the same starts, bit for bit, as fits
 * that each draw their own.
 */
public final class Initializer {
    /** Rows used for initialisation at most. */
    public static final int MAX_SAMPLE = 50_000;
    private static final int LLOYD_MAX_ITER = 100;
    /** Lloyd's tolerance relative to the mean feature variance (scikit-learn's KMeans {@code tol}). */
    private static final double LLOYD_TOL = 1e-4;
    /** Rows per parallel task of the distance loops (their scratch, two arrays of this length, stays in L1). */
    static final int ROWS_PER_TASK = 1024;
    /** Below this many distance terms (m·K·D) the distance loops run on the calling thread alone. */
    private static final long PARALLEL_WORK = 1L << 16;

    private final int d;
    private final int m;
    private final Dataset data;
    private final long seed;
    /** The sample, drawn on first use ({@link #sample()}). */
    private volatile Sample sample;
    /**
     * Lloyd's result by K and seeds, when this initializer is shared ({@link Shared}); else null (no fit repeats
     * another's seeds).
     */
    private final ConcurrentHashMap<Seeds, CompletableFuture<Clustering>> lloyd;
    /**
     * The k-means++ seedings made, by trials per centre ({@link KMeansPlusPlus#localTrials}: a seeding of fewer
     * centres is the start of a longer one), when this initializer is shared ({@link Shared}); else null.
     */
    private final ConcurrentHashMap<Integer, KMeansPlusPlus.Memo> seedings;
    /**
     * Whether the hard-assignment statistics of a k-means result are made with outer products even when a diag or
     * spherical fit asks first (its squares then their diagonal): fits with outer products share this initializer.
     */
    private final boolean outerFirst;

    /**
     * An initializer of the data's seeded sample (the same seed gives the same sample), drawn when first needed.
     *
     * @param data the data (read when the sample is drawn: at the first call that needs it)
     * @param seed random seed
     */
    public Initializer(Dataset data, long seed) {
        this(data, seed, false, false);
    }

    private Initializer(Dataset data, long seed, boolean shared, boolean outerFirst) {
        this.outerFirst = outerFirst;
        this.lloyd = shared ? new ConcurrentHashMap<>() : null;
        this.seedings = shared ? new ConcurrentHashMap<>() : null;
        this.d = data.dims();
        this.m = (int) Math.min(data.rows(), MAX_SAMPLE);
        this.data = data;
        this.seed = seed;
    }

    /**
     * The sample and what is derived from it, drawn when a fit first needs it: a fit from a complete start (an
     * initial model, a checkpoint) needs it only to re-seed a collapsed component, and most never do (the draw
     * reads up to {@value #MAX_SAMPLE} scattered rows: of a large memory-mapped file, as many page reads).
     */
    private static final class Sample {
        final double[] x;
        final double[] w;
        /** The sample's hard-assignment and random-responsibility sums. */
        final SampleSums sums;
        /** The sample feature-major: feature a of row i at {@code xt[a * m + i]}. */
        final double[] xt;
        /** Lloyd's tolerance on the centres' squared move ({@link #lloydTolerance()}). */
        final double lloydTol;

        Sample(Dataset data, long seed, int d, int m) {
            long n = data.rows();
            x = new double[m * d];
            w = new double[m];
            if (m == n) {
                data.read(0, m, x, 0);
                data.readWeights(0, m, w, 0);
            } else {
                long[] rows = SampleRows.draw(n, m, seed);
                for (int i = 0; i < m; ) {
                    int run = 1; // consecutive rows are read together
                    while (i + run < m && rows[i + run] == rows[i] + run) {
                        run++;
                    }
                    data.read(rows[i], run, x, i * d);
                    data.readWeights(rows[i], run, w, i);
                    i += run;
                }
            }
            xt = new double[m * d];
            for (int i = 0; i < m; i++) {
                for (int a = 0; a < d; a++) {
                    xt[a * m + i] = x[i * d + a];
                }
            }
            sums = new SampleSums(x, w, d, m);
            lloydTol = LLOYD_TOL * meanVariance(xt, d, m);
        }

        /**
         * @return the mean over the features of the sample's variance (unweighted, over m, each feature's sums in
         *     row order), as scikit-learn's KMeans scales its tolerance ({@code np.mean(np.var(X, axis=0))})
         */
        private static double meanVariance(double[] xt, int d, int m) {
            double sum = 0;
            for (int a = 0; a < d; a++) {
                double mean = 0;
                for (int i = 0; i < m; i++) {
                    mean += xt[a * m + i];
                }
                mean /= m;
                double v = 0;
                for (int i = 0; i < m; i++) {
                    double t = xt[a * m + i] - mean;
                    v += t * t;
                }
                sum += v / m;
            }
            return sum / d;
        }
    }

    /** @return the sample, drawn on the first call (by whichever thread makes it; the same bits on any) */
    private Sample sample() {
        Sample s = sample;
        if (s == null) {
            synchronized (this) {
                s = sample;
                if (s == null) {
                    s = new Sample(data, seed, d, m);
                    sample = s;
                }
            }
        }
        return s;
    }

    /**
     * Draws the sample now if it is not drawn yet (it is otherwise drawn when a fit first needs it): reads its rows
     * from the data.
     *
     * @return this initializer
     */
    public Initializer draw() {
        sample();
        return this;
    }

    /**
     * @return Lloyd's iterations stop once the centres move by a total squared distance of at most this:
     *     {@value #LLOYD_TOL} times the sample's mean feature variance (scikit-learn's KMeans criterion and default)
     */
    double lloydTolerance() {
        return sample().lloydTol;
    }

    /** @return the number of features */
    int dims() {
        return d;
    }

    /** @return the sample, row-major (not a copy) */
    double[] rowMajor() {
        return sample().x;
    }

    /** @return the sample, feature-major: feature a of row i at {@code [a * m + i]} (not a copy) */
    double[] featureMajor() {
        return sample().xt;
    }

    /** @return the sample weights (not a copy) */
    double[] weights() {
        return sample().w;
    }

    /**
     * @param i a sample row
     * @param c centres, K×D
     * @param j a centre
     * @return the squared distance from row i to centre j, summed over the features in order
     */
    double dist2(int i, double[] c, int j) {
        double[] x = sample().x;
        double s = 0;
        for (int a = 0; a < d; a++) {
            double t = x[i * d + a] - c[j * d + a];
            s += t * t;
        }
        return s;
    }

    /** @return the number of sample rows held */
    public int sampleRows() {
        return m;
    }

    /**
     * @param rnd generator
     * @return a copy of one random sample row (used to re-seed a collapsed component)
     */
    public double[] randomRow(SplittableRandom rnd) {
        int i = rnd.nextInt(m);
        return Arrays.copyOfRange(sample().x, i * d, (i + 1) * d);
    }

    /**
     * The sample covariance of the data sample in the layout of one component of {@code type} (spherical 1 value,
     * diag D, full and tied D×D), plus regCovar.
     *
     * @param type covariance type
     * @param regCovar regularisation
     * @return the covariance
     */
    public double[] dataCovariance(CovarianceType type, double regCovar) {
        Sample sm = sample();
        double[] x = sm.x;
        double[] w = sm.w;
        SufficientStatistics st = new SufficientStatistics(1, d, type);
        double[] mean = new double[d];
        double tw = 0;
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < d; a++) {
                mean[a] += w[i] * x[i * d + a];
            }
            tw += w[i];
        }
        for (int a = 0; a < d; a++) {
            mean[a] /= tw;
        }
        int[] labels = new int[m];
        sm.sums.hard(labels, mean, st);
        Gaussians g = MStep.apply(st, mean, regCovar, 0);
        return type == CovarianceType.SPHERICAL ? new double[] {g.covariances[0]} : g.covariances;
    }

    /**
     * Starting parameters.
     *
     * @param k components
     * @param type covariance type
     * @param method method for what the start does not give
     * @param regCovar regularisation
     * @param givenWeights user weights or null
     * @param givenMeans user means or null
     * @param givenCov user covariances or null
     * @param rnd generator of this initialisation
     * @return the parameters
     */
    public Gaussians initialize(int k, CovarianceType type, InitMethod method, double regCovar,
                                double[] givenWeights, double[] givenMeans, double[] givenCov,
                                SplittableRandom rnd) {
        if (givenWeights != null && givenMeans != null && givenCov != null) {
            // A complete start: nothing to estimate (an estimate from hard assignments would be discarded, and
            // with regCovar = 0 it could fail and blame the user's valid start).
            return Gaussians.of(type, givenWeights.clone(), givenMeans.clone(), givenCov.clone(), 0);
        }
        SampleSums sums = sample().sums;
        SufficientStatistics st = new SufficientStatistics(k, d, type);
        double[] centers;
        if (givenMeans != null) {
            centers = givenMeans.clone();
            sums.hard(nearest(centers, k), centers, st);
        } else {
            switch (method) {
                case RANDOM:
                    centers = new double[k * d];
                    sums.random(k, rnd, st);
                    break;
                case RANDOM_FROM_DATA:
                    centers = randomRows(k, rnd);
                    sums.hard(nearest(centers, k), centers, st);
                    break;
                default:
                    Clustering km = kmeans(k, rnd);
                    centers = km.centres.clone();
                    km.hardStatistics(this, type).copyInto(st);
                    break;
            }
        }
        Gaussians g = MStep.apply(st, centers, regCovar, 0);
        double[] weights = givenWeights != null ? givenWeights.clone() : g.weights;
        double[] means = givenMeans != null ? givenMeans.clone() : g.means;
        double[] cov = givenCov != null ? givenCov.clone() : fillEmpty(g.covariances, st, k, type, regCovar);
        return Gaussians.of(type, weights, means, cov, 0);
    }

    /** Components with no samples get the data's covariance instead of regCovar alone. */
    private double[] fillEmpty(double[] cov, SufficientStatistics st, int k, CovarianceType type, double regCovar) {
        if (type == CovarianceType.TIED) {
            return cov;
        }
        double[] dataCov = null;
        for (int j = 0; j < k; j++) {
            if (st.s0[j] <= 0) {
                if (dataCov == null) {
                    dataCov = dataCovariance(type, regCovar);
                }
                System.arraycopy(dataCov, 0, cov, j * dataCov.length, dataCov.length);
            }
        }
        return cov;
    }

    private double[] randomRows(int k, SplittableRandom rnd) {
        double[] c = new double[k * d];
        int[] picks = rnd.ints(0, m).distinct().limit(Math.min(k, m)).toArray();
        double[] x = sample().x;
        for (int j = 0; j < k; j++) {
            int i = picks[j % picks.length];
            System.arraycopy(x, i * d, c, j * d, d);
        }
        return c;
    }

    /**
     * Runs {@code task} over the sample's rows in blocks of {@link #ROWS_PER_TASK}, in parallel when the work is
     * worth it. Each block writes only its own rows' entries, so the order the blocks run in does not matter.
     */
    void forRowBlocks(long work, RowBlockTask task) {
        int blocks = (m + ROWS_PER_TASK - 1) / ROWS_PER_TASK;
        if (blocks <= 1 || work < PARALLEL_WORK || busy()) {
            for (int b = 0; b < blocks; b++) {
                task.run(b * ROWS_PER_TASK, Math.min(m, (b + 1) * ROWS_PER_TASK));
            }
            return;
        }
        IntStream.range(0, blocks).parallel()
                .forEach(b -> task.run(b * ROWS_PER_TASK, Math.min(m, (b + 1) * ROWS_PER_TASK)));
    }

    /**
     * Whether the fork-join pool the parallel loops would use has work already (other fits initialising at the same
     * time, as a model selection's candidates do): then this one runs on its own thread, and the threads that wait
     * for their parallel tasks do not spin. Only the speed depends on it, never the result.
     */
    static boolean busy() {
        ForkJoinPool pool = ForkJoinTask.getPool();
        if (pool == null) {
            pool = ForkJoinPool.commonPool();
        }
        int self = ForkJoinTask.inForkJoinPool() ? 1 : 0;
        return pool.getActiveThreadCount() > self || pool.hasQueuedSubmissions();
    }

    /** Work on the rows {@code [lo, hi)} of the sample. */
    @FunctionalInterface
    interface RowBlockTask {
        void run(int lo, int hi);
    }

    /**
     * Squared Euclidean distances from rows {@code [lo, hi)} to centre j, summed over the features in order (the
     * same bits as a per-row loop over a), into {@code out[0, hi - lo)}.
     */
    void distances(double[] c, int j, int lo, int hi, double[] out) {
        double[] xt = sample().xt;
        int len = hi - lo;
        Arrays.fill(out, 0, len, 0.0);
        for (int a = 0; a < d; a++) {
            double ca = c[j * d + a];
            int o = a * m + lo;
            for (int i = 0; i < len; i++) {
                double t = xt[o + i] - ca;
                out[i] += t * t;
            }
        }
    }

    /**
     * The nearest centre of every sample row (the first on ties; 0 when every distance is NaN); also Lloyd's
     * search at each iteration when it does not prune ({@link Lloyd#PRUNE_FROM}).
     */
    int[] nearest(double[] c, int k) {
        int[] labels = new int[m];
        if (k == 1) {
            return labels; // every row's label is 0, whatever its distance (the search's answer, without it)
        }
        double[] best = new double[m];
        Arrays.fill(best, Double.POSITIVE_INFINITY);
        forRowBlocks((long) m * k * d, (lo, hi) -> closer(c, k, lo, hi, best, labels, new double[hi - lo]));
        return labels;
    }

    /**
     * Rows {@code [lo, hi)} against the centres {@code 0..k-1} of {@code c} (K×D), in order: where a row's
     * distance to centre j ({@link #distances}) is below {@code best[row]}, it becomes {@code best[row]} and
     * {@code labels[row] = j} (the first centre of least distance, as a plain loop); with {@code labels} null,
     * {@code best[row] = Math.min(best[row], distance)} (k-means++'s update, NaN kept as {@code Math.min} keeps
     * it). One method for the nearest-centre search and k-means++'s distance updates: the JIT compiles the
     * distance loop once for both (a first 1e5 × 8 select compiled it into two lambdas, ≈ 0.1 s of C2 each).
     *
     * @param dist scratch of at least {@code hi - lo}
     */
    void closer(double[] c, int k, int lo, int hi, double[] best, int[] labels, double[] dist) {
        int len = hi - lo;
        for (int j = 0; j < k; j++) {
            distances(c, j, lo, hi, dist);
            if (labels == null) {
                for (int i = 0; i < len; i++) {
                    best[lo + i] = Math.min(best[lo + i], dist[i]);
                }
            } else {
                for (int i = 0; i < len; i++) {
                    if (dist[i] < best[lo + i]) {
                        best[lo + i] = dist[i];
                        labels[lo + i] = j;
                    }
                }
            }
        }
    }

    /**
     * Greedy k-means++ seeding ({@link KMeansPlusPlus}), then Lloyd's iterations (once per K and seeds when shared); with
     * the nearest centre of every sample row.
     */
    private Clustering kmeans(int k, SplittableRandom rnd) {
        double[] c = seedings == null ? KMeansPlusPlus.seeds(this, k, rnd)
                : seedings.computeIfAbsent(KMeansPlusPlus.localTrials(k), t -> new KMeansPlusPlus.Memo())
                        .seeds(this, k, rnd);
        if (lloyd == null) {
            return lloyd(c, k);
        }
        CompletableFuture<Clustering> mine = new CompletableFuture<>();
        CompletableFuture<Clustering> done = lloyd.putIfAbsent(new Seeds(c.clone()), mine);
        if (done == null) {
            try {
                mine.complete(lloyd(c, k));
            } catch (RuntimeException | Error e) {
                mine.completeExceptionally(e);
                throw e;
            }
            done = mine;
        }
        try {
            return done.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * @return how many k-means++ centres this initializer's seedings computed for fits that share it (0 when not
     *     shared): per generator and number of trials per centre, the largest K asked
     */
    int sharedSeedCentres() {
        return seedings == null ? 0 : seedings.values().stream().mapToInt(KMeansPlusPlus.Memo::computedCentres).sum();
    }

    /** @return how many k-means results this initializer holds (0 when not shared) */
    int sharedClusterings() {
        return lloyd == null ? 0 : lloyd.size();
    }

    /** Lloyd's iterations from the seeds {@code c} (overwritten), and the final centres' nearest-centre labels. */
    private Clustering lloyd(double[] c, int k) {
        new Lloyd(this, k).run(c, LLOYD_MAX_ITER);
        return new Clustering(c, nearest(c, k));
    }

    /**
     * k-means' result: centres K×D and each sample row's nearest centre (neither changed once made), and the
     * statistics of those hard assignments, made once for the covariance types with outer products and once for
     * the others when a type first asks (the same for full and tied, and for diag and spherical).
     */
    private static final class Clustering {
        private final double[] centres;
        private final int[] labels;
        private final SampleSums.Hard[] hard = new SampleSums.Hard[2];

        Clustering(double[] centres, int[] labels) {
            this.centres = centres;
            this.labels = labels;
        }

        synchronized SampleSums.Hard hardStatistics(Initializer in, CovarianceType type) {
            int o = type.needsOuterProducts() ? 1 : 0;
            if (hard[o] == null) {
                SufficientStatistics st = new SufficientStatistics(centres.length / in.d, in.d, type);
                if (o == 0 && hard[1] == null && in.outerFirst) {
                    // a full or tied fit will ask too: its statistics once, and the diagonal of them now
                    SufficientStatistics outer = new SufficientStatistics(centres.length / in.d, in.d,
                            CovarianceType.FULL);
                    in.sample().sums.hard(labels, centres, outer);
                    hard[1] = new SampleSums.Hard(outer);
                }
                if (o == 0 && hard[1] != null) {
                    hard[1].diagonalInto(st);
                } else {
                    in.sample().sums.hard(labels, centres, st);
                }
                hard[o] = new SampleSums.Hard(st);
            }
            return hard[o];
        }
    }

    /** k-means++ seeds (K×D, so K is their length / D), compared bit for bit: the key of Lloyd's result. */
    private static final class Seeds {
        private final double[] c;
        private final int hash;

        Seeds(double[] c) {
            this.c = c;
            int h = c.length;
            for (double v : c) {
                long b = Double.doubleToRawLongBits(v);
                h = 31 * h + (int) (b ^ (b >>> 32));
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Seeds s) || s.c.length != c.length) {
                return false;
            }
            for (int i = 0; i < c.length; i++) {
                if (Double.doubleToRawLongBits(c[i]) != Double.doubleToRawLongBits(s.c[i])) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    /**
     * Initializers for many fits of one dataset, shared by the fits of the same seed (the candidates of a model
     * selection): one sample drawn per seed, and Lloyd's iterations run once for every K and k-means++ seeds that
     * several of them draw (candidates of the same K and different covariance types do, restart for restart). A
     * fit's start is the same bits as with an initializer of its own. Thread-safe; what it holds (per seed the
     * sample, twice, and per K and seeds the centres and one label per sample row) lives as long as it.
     */
    public static final class Shared {
        private final Dataset data;
        private final boolean outerProducts;
        private final ConcurrentHashMap<Long, Initializer> bySeed = new ConcurrentHashMap<>();

        /** @param data the dataset the fits share */
        public Shared(Dataset data) {
            this(data, false);
        }

        /**
         * @param data the dataset the fits share
         * @param outerProducts whether some of the fits are full or tied: then each k-means result's hard-assignment
         *     statistics are made once, with outer products, and diag and spherical fits take their diagonal (the
         *     same bits as their own squares), also when they ask first
         */
        public Shared(Dataset data, boolean outerProducts) {
            if (data == null) {
                throw new IllegalArgumentException("data must not be null");
            }
            this.data = data;
            this.outerProducts = outerProducts;
        }

        /**
         * @param of the data of a fit
         * @param seed its seed
         * @return the shared initializer of this seed for the shared dataset (drawn on first use), or a new one of
         *     its own for another dataset
         */
        public Initializer of(Dataset of, long seed) {
            if (of != data) {
                return new Initializer(of, seed);
            }
            return bySeed.computeIfAbsent(seed, s -> {
                Initializer i = new Initializer(data, s, true, outerProducts);
                return i;
            });
        }
    }
}
