package org.emgmm.em;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Lloyd's k-means iterations over the initialisation sample, with Hamerly's bounds (G. Hamerly, "Making k-means
 * even faster", SDM 2010) to skip the rows whose nearest centre provably did not change, yet with the labels of
 * the exhaustive search, bit for bit: every row's label is the first centre of least computed squared distance
 * (the distance summed over the features in order), as a plain loop over all centres gives.
 *
 * <p>Per row i: its label a, an upper bound u ≥ ‖xᵢ − c_a‖ and a lower bound l ≤ ‖xᵢ − c_j‖ for every other
 * centre j. After the centres move by pⱼ, u grows by p_a and l shrinks by max pⱼ. With sⱼ half the distance from
 * centre j to its nearest other centre, a row with u &lt; max(s_a, l) keeps its label. The test leaves a relative
 * margin of {@value #MARGIN}, far above the rounding of the bounds (a few units of 1e-16 per term and iteration),
 * so that a row skipped has every other centre's computed distance strictly above its own centre's; every other
 * row is searched exhaustively with the same arithmetic as the plain loop. Below {@link #PRUNE_FROM} terms per row
 * (K·D) no row is skipped.
 */
final class Lloyd {
    /** Relative margin of the bound tests. */
    static final double MARGIN = 1e-8;
    /** Above this many features the margin might not cover the rounding of a distance: no pruning. */
    private static final int MAX_PRUNED_DIMS = 100_000;
    /**
     * Below this many terms per row (K·D) every row is searched at every iteration, without bounds: the search is
     * then {@link Initializer#nearest} (the final labels' search, on the k-means++ distance loop), cheaper than
     * compiling the pruned search (C2 spent ≈ 0.17 s on {@code reassign} and {@code searchRow} in a first 1e5 × 8
     * select, K ≤ 8, where an iteration takes a few milliseconds). The labels are the same bits either way.
     */
    static final int PRUNE_FROM = 128;
    /** From this many terms (m·D) on, the centre sums run in parallel over the features. */
    private static final long PARALLEL_SUMS = 1L << 16;

    private final Initializer sample;
    private final int m;
    private final int d;
    private final int k;
    private final double[] upper;
    private final double[] lower;

    Lloyd(Initializer sample, int k) {
        this.sample = sample;
        this.m = sample.sampleRows();
        this.d = sample.dims();
        this.k = k;
        this.upper = new double[m];
        this.lower = new double[m];
    }

    /**
     * Lloyd's iterations from the given centres until no label changes, the centres move by a total squared distance
     * of at most {@link Initializer#lloydTolerance()} (scikit-learn's KMeans: {@code tol} = 1e-4 times the mean
     * variance of the features), or {@code maxIter} centre updates.
     *
     * @param c the centres, K×D, updated in place
     * @param maxIter iteration limit
     */
    void run(double[] c, int maxIter) {
        double tol = sample.lloydTolerance();
        boolean prune = d <= MAX_PRUNED_DIMS && k > 1 && (long) k * d >= PRUNE_FROM;
        int[] labels;
        if (prune) {
            labels = new int[m];
            assignAll(c, labels);
        } else {
            labels = sample.nearest(c, k);
        }
        double[] sums = new double[k * d];
        double[] counts = new double[k];
        double[] old = new double[k * d];
        double[] moved = new double[k];
        double[] half = new double[k];
        for (int it = 0; it < maxIter; it++) {
            System.arraycopy(c, 0, old, 0, c.length);
            updateCentres(labels, c, sums, counts);
            if (shift(c, old) <= tol) {
                break; // the centres have settled, as scikit-learn's KMeans decides (its tol, 1e-4)
            }
            int[] next;
            if (prune) {
                next = new int[m];
                for (int j = 0; j < k; j++) {
                    moved[j] = Math.sqrt(dist2(c, j, old, j));
                }
                halfSeparations(c, half);
                double maxMoved = 0;
                for (double v : moved) {
                    maxMoved = Math.max(maxMoved, v);
                }
                final double mm = maxMoved;
                final int[] now = labels;
                double[] ct = transpose(c);
                final int[] to = next;
                sample.forRowBlocks((long) m * d, (lo, hi) -> reassign(c, ct, now, to, moved, mm, half, lo, hi));
            } else {
                next = sample.nearest(c, k); // the search the final labels take too (Initializer#lloyd)
            }
            if (Arrays.equals(next, labels)) {
                break;
            }
            labels = next;
        }
    }

    /**
     * The weighted means of the rows of each label, every sum taken in row order; a centre with no weight stays
     * where it is. The rows are read row-major (one row's features are independent sums, so consecutive rows of
     * one label do not wait on each other feature by feature), in blocks of {@link Initializer#ROWS_PER_TASK} rows
     * in order, and in parallel over groups of features when the pool is free: the same bits either way.
     */
    private void updateCentres(int[] labels, double[] c, double[] sums, double[] counts) {
        double[] w = sample.weights();
        Arrays.fill(counts, 0);
        for (int i = 0; i < m; i++) {
            counts[labels[i]] += w[i];
        }
        Arrays.fill(sums, 0);
        int groups = (long) m * d >= PARALLEL_SUMS && !Initializer.busy()
                ? Math.min(d, Runtime.getRuntime().availableProcessors()) : 1;
        if (groups == 1) {
            sumRows(labels, sums, 0, d);
        } else {
            IntStream.range(0, groups).parallel().forEach(g -> sumRows(labels, sums, g * d / groups,
                    (g + 1) * d / groups));
        }
        for (int j = 0; j < k; j++) {
            if (counts[j] > 0) {
                for (int a = 0; a < d; a++) {
                    c[j * d + a] = sums[j * d + a] / counts[j];
                }
            }
        }
    }

    /** Adds every row's weighted features {@code [a0, a1)} to its label's sums, in row order, block by block. */
    private void sumRows(int[] labels, double[] sums, int a0, int a1) {
        for (int lo = 0; lo < m; lo += Initializer.ROWS_PER_TASK) {
            sumBlock(labels, sums, a0, a1, lo, Math.min(m, lo + Initializer.ROWS_PER_TASK));
        }
    }

    /** Rows {@code [lo, hi)} of {@link #sumRows} (its own method: called often enough for the JIT's top tier). */
    private void sumBlock(int[] labels, double[] sums, int a0, int a1, int lo, int hi) {
        double[] x = sample.rowMajor();
        double[] w = sample.weights();
        for (int i = lo; i < hi; i++) {
            int jo = labels[i] * d;
            int io = i * d;
            double wi = w[i];
            for (int a = a0; a < a1; a++) {
                sums[jo + a] += wi * x[io + a];
            }
        }
    }

    /** Every row searched over every centre (feature-major, vectorised), with its bounds set (pruned runs). */
    private void assignAll(double[] c, int[] labels) {
        sample.forRowBlocks((long) m * k * d, (lo, hi) -> {
            int len = hi - lo;
            double[] best = new double[len];
            double[] second = new double[len];
            double[] dist = new double[len];
            Arrays.fill(best, Double.POSITIVE_INFINITY);
            Arrays.fill(second, Double.POSITIVE_INFINITY);
            for (int j = 0; j < k; j++) {
                sample.distances(c, j, lo, hi, dist);
                for (int i = 0; i < len; i++) {
                    double t = dist[i];
                    if (t < best[i]) {
                        second[i] = best[i];
                        best[i] = t;
                        labels[lo + i] = j;
                    } else if (t < second[i]) {
                        second[i] = t;
                    }
                }
            }
            for (int i = 0; i < len; i++) {
                upper[lo + i] = Math.sqrt(best[i]);
                lower[lo + i] = Math.sqrt(second[i]);
            }
        });
    }

    /** Rows {@code [lo, hi)}: bounds moved with the centres, then a search where they do not settle the label. */
    private void reassign(double[] c, double[] ct, int[] labels, int[] next, double[] moved, double maxMoved,
                          double[] half, int lo, int hi) {
        double[] dist = new double[k];
        for (int i = lo; i < hi; i++) {
            int a = labels[i];
            double u = upper[i] + moved[a];
            double l = lower[i] - maxMoved;
            double bound = Math.max(half[a], l);
            if (!(u * (1 + MARGIN) < bound * (1 - MARGIN))) {
                u = Math.sqrt(sample.dist2(i, c, a));
                if (!(u * (1 + MARGIN) < bound * (1 - MARGIN))) {
                    searchRow(ct, i, next, dist);
                    continue;
                }
            }
            upper[i] = u;
            lower[i] = l;
            next[i] = a;
        }
    }

    /** @return the centres feature-major: feature a of centre j at {@code [a * k + j]} */
    private double[] transpose(double[] c) {
        double[] ct = new double[k * d];
        for (int j = 0; j < k; j++) {
            for (int a = 0; a < d; a++) {
                ct[a * k + j] = c[j * d + a];
            }
        }
        return ct;
    }

    /**
     * One row against every centre, as the plain loop: the first centre of least distance. The centres are read
     * feature-major ({@code ct}), all K distances summed together feature by feature (each over the features in
     * order, the same bits as {@link Initializer#dist2}), into the scratch {@code dist}.
     */
    private void searchRow(double[] ct, int i, int[] next, double[] dist) {
        double[] x = sample.rowMajor();
        Arrays.fill(dist, 0.0);
        for (int a = 0; a < d; a++) {
            double xa = x[i * d + a];
            int o = a * k;
            for (int j = 0; j < k; j++) {
                double t = xa - ct[o + j];
                dist[j] += t * t;
            }
        }
        double best = Double.POSITIVE_INFINITY;
        double second = Double.POSITIVE_INFINITY;
        int label = 0;
        for (int j = 0; j < k; j++) {
            double t = dist[j];
            if (t < best) {
                second = best;
                best = t;
                label = j;
            } else if (t < second) {
                second = t;
            }
        }
        next[i] = label;
        upper[i] = Math.sqrt(best);
        lower[i] = Math.sqrt(second);
    }

    /** @return the centres' total squared move, {@code Σ_j ‖c_j − old_j‖²}, summed in centre and feature order */
    private double shift(double[] c, double[] old) {
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            double t = c[i] - old[i];
            s += t * t;
        }
        return s;
    }

    /** {@code half[j]} = half the distance from centre j to its nearest other centre. */
    private void halfSeparations(double[] c, double[] half) {
        Arrays.fill(half, Double.POSITIVE_INFINITY);
        for (int j = 0; j < k; j++) {
            for (int q = j + 1; q < k; q++) {
                double s = 0.5 * Math.sqrt(dist2(c, j, c, q));
                half[j] = Math.min(half[j], s);
                half[q] = Math.min(half[q], s);
            }
        }
    }

    private double dist2(double[] c1, int j1, double[] c2, int j2) {
        double s = 0;
        for (int a = 0; a < d; a++) {
            double t = c1[j1 * d + a] - c2[j2 * d + a];
            s += t * t;
        }
        return s;
    }
}
