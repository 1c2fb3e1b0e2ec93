package org.emgmm.em;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Greedy k-means++ seeding (Arthur and Vassilvitskii, 2007) over an {@link Initializer}'s sample, weighted by sample
 * weight: the first centre a row drawn in proportion to its weight; for each next one, {@link #localTrials} rows
 * drawn in proportion to their weight times their squared distance to the nearest centre so far, and the one that
 * leaves the lowest potential (the weighted sum of those distances) kept, as scikit-learn's {@code kmeans_plusplus}.
 * Plain k-means++ (one draw per centre) often seeds two centres in one well-separated cluster and none in another, a
 * split-and-merge that neither Lloyd nor EM undoes: on bench/select's 1e6×16 five blobs it did for 7 of 40 seeds
 * (a 50,000-row sample, numpy), and {@code emgmm select} chose k = 6 where scikit-learn chose k = 5. The distance
 * updates run over the sample's row blocks ({@link Initializer#forRowBlocks}, in parallel when worth it); each row's
 * distance depends only on that row, and the draws and potentials run in row order, so the seeds are the same bits
 * at any thread count.
 *
 * <p>The seeds are a function of the sample, K and the values drawn from the generator. Fits that share a sample
 * (a model selection's candidates of one K, whatever their covariance type) share their seedings through a
 * {@link Memo}: a fit draws its own values, one by one, as the seeding would, and while they match the values a
 * seeding already made, it takes that seeding's seeds instead of computing them (the same bits, and its generator
 * advanced exactly as by its own seeding); on the first value that differs it computes its own.
 */
final class KMeansPlusPlus {
    private KMeansPlusPlus() {
    }

    /**
     * @param in the sample
     * @param k centres
     * @param rnd generator (advanced by 1 + (K − 1)·localTrials(K) draws)
     * @return the K seeds, K×D, each a copy of a sample row
     */
    static double[] seeds(Initializer in, int k, SplittableRandom rnd) {
        return seeding(in, k, localTrials(k), new Source(rnd, List.of(), null), null).seeds;
    }

    /**
     * The seeding of {@code k} centres with {@code trials} draws per centre after the first, the values drawn from
     * {@code rnd}; continued from {@code from} (a seeding of fewer centres with the same trials, whose draws
     * {@code rnd} replays first) when not null: a seeding's first j centres, and the distances to them, depend only
     * on the sample and the values drawn for them, so continuing one gives the same bits as starting anew.
     */
    private static Seeding seeding(Initializer in, int k, int trials, Source rnd, Seeding from) {
        int d = in.dims();
        int m = in.sampleRows();
        double[] x = in.rowMajor();
        double[] w = in.weights();
        double[] c = new double[k * d];
        double[] dmin = new double[m];
        int j0;
        if (from == null) {
            int first = pickWeighted(w, sum(w), rnd);
            System.arraycopy(x, first * d, c, 0, d);
            firstDistances(in, c, dmin);
            j0 = 1;
        } else {
            System.arraycopy(from.seeds, 0, c, 0, from.seeds.length);
            System.arraycopy(from.dmin, 0, dmin, 0, m);
            j0 = from.seeds.length / d;
        }
        double[] p = new double[m];
        double[][] tried = new double[trials][];
        for (int j = j0; j < k; j++) {
            for (int i = 0; i < m; i++) {
                p[i] = w[i] * dmin[i];
            }
            double total = sum(p); // the same for every trial of this centre
            int best = -1;
            int bestPick = 0;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < trials; t++) {
                if (tried[t] == null) {
                    tried[t] = new double[m];
                }
                int pick = pickWeighted(p, total, rnd);
                double potential = minDistancesWith(in, pick, dmin, tried[t]);
                if (best < 0 || potential < bestPotential) {
                    best = t;
                    bestPick = pick;
                    bestPotential = potential;
                }
            }
            System.arraycopy(x, bestPick * d, c, j * d, d);
            System.arraycopy(tried[best], 0, dmin, 0, m);
        }
        return new Seeding(rnd.record == null ? List.of() : List.copyOf(rnd.record), c, dmin);
    }

    /** How many candidates each centre after the first draws: {@code 2 + ⌊ln K⌋}, as scikit-learn. */
    static int localTrials(int k) {
        return 2 + (int) Math.log(k);
    }

    /** {@code dmin[i] = ‖x_i − c_0‖²}: every sample row's distance to the first centre. */
    private static void firstDistances(Initializer in, double[] c, double[] dmin) {
        java.util.Arrays.fill(dmin, Double.POSITIVE_INFINITY); // min(∞, distance) = distance, NaN included
        in.forRowBlocks((long) in.sampleRows() * in.dims(), (lo, hi) -> in.closer(c, 1, lo, hi, dmin, null,
                new double[hi - lo]));
    }

    /**
     * {@code out[i] = min(dmin[i], ‖x_i − x_pick‖²)} for every sample row, and the potential with row {@code pick}
     * as a centre: {@code Σ w_i·out[i]}, summed in row order (the same bits at any thread count).
     */
    private static double minDistancesWith(Initializer in, int pick, double[] dmin, double[] out) {
        int d = in.dims();
        double[] centre = java.util.Arrays.copyOfRange(in.rowMajor(), pick * d, (pick + 1) * d);
        System.arraycopy(dmin, 0, out, 0, out.length);
        in.forRowBlocks((long) in.sampleRows() * d, (lo, hi) -> in.closer(centre, 1, lo, hi, out, null,
                new double[hi - lo]));
        double[] w = in.weights();
        double potential = 0;
        for (int i = 0; i < out.length; i++) {
            potential += w[i] * out[i];
        }
        return potential;
    }

    /** @return the sum of p, in order */
    private static double sum(double[] p) {
        double total = 0;
        for (double v : p) {
            total += v;
        }
        return total;
    }

    /** Index drawn with probability proportional to p, whose sum is {@code total} (uniform when p is all zero). */
    private static int pickWeighted(double[] p, double total, Source rnd) {
        if (!(total > 0)) {
            return rnd.nextInt(p.length);
        }
        double u = rnd.nextDouble() * total;
        double c = 0;
        for (int i = 0; i < p.length; i++) {
            c += p[i];
            if (u < c && p[i] > 0) {
                return i;
            }
        }
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] > 0) {
                return i;
            }
        }
        return p.length - 1;
    }

    /**
     * One value drawn by a seeding: {@code nextDouble()} (bound 0, the value's bits) or {@code nextInt(bound)}.
     * {@code equals} and {@code hashCode} are written out: a record's own are bootstrapped through method handles
     * ({@code ObjectMethods}), whose first few hundred calls here spun LambdaForm classes, enough for C2 to compile
     * the JDK's ASM ({@code Frame.execute}, ≈ 0.2 s of a first 1e5 × 8 select's compile time).
     */
    private record Draw(int bound, long value) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Draw v && v.bound == bound && v.value == value;
        }

        @Override
        public int hashCode() {
            return 31 * bound + Long.hashCode(value);
        }
    }

    /**
     * The values a seeding draws: first those of {@code replay} (drawn already, in order, from {@code rnd}), then new
     * ones from {@code rnd}; every value served is appended to {@code record} when not null.
     */
    private static final class Source {
        private final SplittableRandom rnd;
        private final List<Draw> replay;
        private final List<Draw> record;
        private int next;

        Source(SplittableRandom rnd, List<Draw> replay, List<Draw> record) {
            this.rnd = rnd;
            this.replay = replay;
            this.record = record;
        }

        double nextDouble() {
            Draw v = next < replay.size() ? replayed(0) : new Draw(0, Double.doubleToRawLongBits(rnd.nextDouble()));
            keep(v);
            return Double.longBitsToDouble(v.value);
        }

        int nextInt(int bound) {
            Draw v = next < replay.size() ? replayed(bound) : new Draw(bound, rnd.nextInt(bound));
            keep(v);
            return (int) v.value;
        }

        private Draw replayed(int bound) {
            Draw v = replay.get(next++);
            if (v.bound != bound) {
                throw new IllegalStateException("k-means++ replay out of step: drawn with bound " + v.bound
                        + ", asked with " + bound);
            }
            return v;
        }

        private void keep(Draw v) {
            if (record != null) {
                record.add(v);
            }
        }
    }

    /**
     * A seeding made: the values it drew, in order, its seeds (K×D) and every sample row's squared distance to the
     * nearest of them (to continue it with more centres).
     */
    private record Seeding(List<Draw> draws, double[] seeds, double[] dmin) {
    }

    /**
     * The k-means++ seedings of one sample and one number of trials per centre ({@link #localTrials}: K = 1, 2 draw 2;
     * K = 3..7 draw 3; K = 8..20 draw 4) made so far, for fits that share the sample. A seeding of K centres draws
     * {@code 1 + (K − 1)·trials} values, and its first j centres are those of a seeding of j centres that drew its
     * first {@code 1 + (j − 1)·trials} values. So a fit whose generator draws again, one by one, the first values of a
     * longer seeding made already takes its first K centres; one that draws again every value of a shorter seeding
     * continues that one (only the centres beyond it are computed); any other computes its own. Either way the seeds
     * are the same bits as {@link KMeansPlusPlus#seeds(Initializer, int, SplittableRandom)} gives, and the fit's
     * generator is left where that method leaves it. Fits of one group take their turn (one draws or computes at a
     * time); those of other groups do not wait for them.
     */
    static final class Memo {
        private final List<Seeding> made = new ArrayList<>();
        private int centres;

        /**
         * @param in the sample (the same for every call)
         * @param k centres ({@link #localTrials} the same for every call)
         * @param rnd the fit's generator, advanced as by {@link KMeansPlusPlus#seeds(Initializer, int, SplittableRandom)}
         * @return the seeds (a copy of their own), the same bits as that method gives
         */
        synchronized double[] seeds(Initializer in, int k, SplittableRandom rnd) {
            int trials = localTrials(k);
            int need = 1 + (k - 1) * trials;
            int d = in.dims();
            List<Draw> drawn = new ArrayList<>();
            List<Seeding> alive = new ArrayList<>(made);
            Seeding from = null; // the longest seeding made whose every value was drawn again, shorter than K
            while (!alive.isEmpty()) {
                int i = drawn.size();
                for (Seeding s : alive) {
                    if (s.draws.size() >= need && i == need) {
                        return java.util.Arrays.copyOf(s.seeds, k * d); // every value a seeding of K draws, again
                    }
                    if (s.draws.size() == i && (from == null || s.draws.size() > from.draws.size())) {
                        from = s;
                    }
                }
                alive.removeIf(s -> s.draws.size() <= i);
                if (alive.isEmpty()) {
                    break;
                }
                int bound = alive.get(0).draws.get(i).bound;
                Draw v = bound == 0 ? new Draw(0, Double.doubleToRawLongBits(rnd.nextDouble()))
                        : new Draw(bound, rnd.nextInt(bound));
                drawn.add(v);
                alive.removeIf(s -> !s.draws.get(i).equals(v));
            }
            int replayed = from == null ? 0 : from.draws.size();
            List<Draw> record = new ArrayList<>(drawn.subList(0, replayed));
            Seeding made1 = seeding(in, k, trials, new Source(rnd, drawn.subList(replayed, drawn.size()), record),
                    from);
            made.add(made1);
            centres += k - (from == null ? 0 : from.seeds.length / d);
            return made1.seeds.clone();
        }

        /** @return how many centres this memo's seedings computed (not replayed or continued from another's) */
        synchronized int computedCentres() {
            return centres;
        }
    }
}
