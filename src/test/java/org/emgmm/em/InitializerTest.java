package org.emgmm.em;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import org.emgmm.Synthetic;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * The parallel, feature-major {@link Initializer} against {@link ReferenceInitializer}, the single-threaded
 * row-major implementation it replaced (a verbatim copy of it as of commit c8cb081): the same starting parameters,
 * bit for bit, at one thread and at several, for every covariance type and method, with and without weights, and
 * with a data set larger than {@link Initializer#MAX_SAMPLE} (the seeded random sample).
 */
class InitializerTest {
    private static final double REG = 1e-6;

    private static Dataset data(int n, int d, boolean weighted, long seed) {
        Synthetic s = Synthetic.generate(seed, CovarianceType.FULL, d, 5, n / 5, 4.0);
        double[] w = null;
        if (weighted) {
            SplittableRandom rnd = new SplittableRandom(seed + 1);
            w = new double[s.n];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextDouble() * 2;
            }
        }
        return ArrayDataset.of(s.x, s.d, w);
    }

    private static Gaussians fast(Initializer in, int k, CovarianceType t, InitMethod m, long seed, int threads)
            throws Exception {
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            return pool.submit(() -> in.initialize(k, t, m, REG, null, null, null, new SplittableRandom(seed)))
                    .get();
        } finally {
            pool.shutdown();
        }
    }

    private static void assertSame(Gaussians want, Gaussians got, String what) {
        assertArrayEquals(want.weights, got.weights, 0.0, what + " weights");
        assertArrayEquals(want.means, got.means, 0.0, what + " means");
        assertArrayEquals(want.covariances, got.covariances, 0.0, what + " covariances");
    }

    @Test
    void kmeansPlusPlusEqualsTheSingleThreadedImplementationBitForBit() throws Exception {
        Dataset data = data(20_000, 6, false, 3);
        Initializer in = new Initializer(data, 7);
        ReferenceInitializer ref = new ReferenceInitializer(data, 7);
        for (CovarianceType t : CovarianceType.values()) {
            for (int k = 1; k <= 8; k++) {
                Gaussians want = ref.initialize(k, t, InitMethod.KMEANS_PLUSPLUS, REG, null, null, null,
                        new SplittableRandom(k));
                for (int threads : new int[] {1, 3}) {
                    assertSame(want, fast(in, k, t, InitMethod.KMEANS_PLUSPLUS, k, threads),
                            t + " k=" + k + " threads=" + threads);
                }
            }
        }
    }

    /**
     * From K·D = {@link Lloyd#PRUNE_FROM} on, Lloyd's iterations skip rows with Hamerly's bounds (below it they search
     * every row): the labels, hence the start, are still those of the plain loops, bit for bit.
     */
    @Test
    void prunedLloydEqualsTheSingleThreadedImplementationBitForBit() throws Exception {
        Dataset data = data(20_000, 16, false, 4);
        Initializer in = new Initializer(data, 7);
        ReferenceInitializer ref = new ReferenceInitializer(data, 7);
        for (int k : new int[] {Lloyd.PRUNE_FROM / 16 - 1, Lloyd.PRUNE_FROM / 16, 12}) {
            Gaussians want = ref.initialize(k, CovarianceType.FULL, InitMethod.KMEANS_PLUSPLUS, REG, null, null, null,
                    new SplittableRandom(k));
            for (int threads : new int[] {1, 3}) {
                assertSame(want, fast(in, k, CovarianceType.FULL, InitMethod.KMEANS_PLUSPLUS, k, threads),
                        "k=" + k + " threads=" + threads);
            }
        }
    }

    /**
     * Greedy k-means++ seeds one centre in each of 5 well-separated blobs (make_blobs' shape: centres uniform in
     * [-10, 10]^16, unit spread, 4,000 rows each) for every one of 40 seeds, so no start merges two blobs (a weight
     * near 0.4) while splitting another, a local optimum EM and Lloyd cannot leave. Plain k-means++ (one draw per
     * centre, {@code KMeansPlusPlus.localTrials} = 1) fails this for some seeds (checked: 9 of 40 here); on bench/select's 1e6 x 16
     * blobs it made {@code emgmm select} choose k = 6 where scikit-learn, whose kmeans_plusplus is greedy, chose k = 5.
     */
    @Test
    void greedySeedingFindsEveryWellSeparatedBlob() throws Exception {
        int d = 16;
        int per = 4000;
        SplittableRandom g = new SplittableRandom(2026);
        double[] centres = new double[5 * d];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = g.nextDouble(-10, 10);
        }
        double[] x = new double[5 * per * d];
        for (int i = 0; i < 5 * per; i++) {
            for (int a = 0; a < d; a++) {
                x[i * d + a] = centres[(i % 5) * d + a] + g.nextGaussian();
            }
        }
        Initializer in = new Initializer(ArrayDataset.of(x, d, null), 0);
        int merged = 0;
        for (long seed = 0; seed < 40; seed++) {
            Gaussians start = fast(in, 5, CovarianceType.DIAG, InitMethod.KMEANS_PLUSPLUS, seed, 1);
            for (double wj : start.weights) {
                if (Math.abs(wj - 0.2) > 0.05) {
                    merged++;
                    break;
                }
            }
        }
        assertEquals(0, merged, "seeds whose k-means start merges or splits a blob");
    }

    @Test
    void weightedSampledDataGiveTheSameSampleAndStart() throws Exception {
        Dataset data = data(Initializer.MAX_SAMPLE + 15_000, 3, true, 11);
        Initializer in = new Initializer(data, 5);
        ReferenceInitializer ref = new ReferenceInitializer(data, 5);
        assertEquals(Initializer.MAX_SAMPLE, in.sampleRows());
        for (InitMethod m : InitMethod.values()) {
            for (CovarianceType t : new CovarianceType[] {CovarianceType.FULL, CovarianceType.SPHERICAL}) {
                Gaussians want = ref.initialize(6, t, m, REG, null, null, null, new SplittableRandom(2));
                assertSame(want, fast(in, 6, t, m, 2, 2), m + " " + t);
            }
        }
        for (CovarianceType t : CovarianceType.values()) {
            assertArrayEquals(ref.dataCovariance(t, REG), in.dataCovariance(t, REG), 0.0, t.toString());
        }
        SplittableRandom a = new SplittableRandom(9);
        SplittableRandom b = new SplittableRandom(9);
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(ref.randomRow(a), in.randomRow(b), 0.0);
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void sharedInitializersGiveEveryFitItsOwnStartBitForBit(boolean outerProducts) throws Exception {
        Dataset data = data(Initializer.MAX_SAMPLE + 10_000, 4, true, 13);
        Initializer.Shared shared = new Initializer.Shared(data, outerProducts);
        Initializer one = shared.of(data, 5);
        org.junit.jupiter.api.Assertions.assertSame(one, shared.of(data, 5), "one sample per seed");
        assertNotSame(one, shared.of(data, 6));
        Dataset other = data(300, 4, false, 14);
        assertEquals(0, shared.of(other, 5).sharedClusterings(), "another dataset's initializer is its own");
        // every covariance type x K = 1..6 x two restarts' generators, from 8 threads at once: each start equals
        // the one an initializer of its own gives
        List<Callable<Void>> fits = new ArrayList<>();
        for (CovarianceType t : CovarianceType.values()) {
            for (int k = 1; k <= 6; k++) {
                for (long g = 0; g < 2; g++) {
                    final int kk = k;
                    final long gen = g;
                    fits.add(() -> {
                        SplittableRandom own = new SplittableRandom(gen);
                        SplittableRandom sharing = new SplittableRandom(gen);
                        Gaussians want = new Initializer(data, 5).initialize(kk, t, InitMethod.KMEANS_PLUSPLUS, REG,
                                null, null, null, own);
                        Gaussians got = one.initialize(kk, t, InitMethod.KMEANS_PLUSPLUS, REG, null, null, null,
                                sharing);
                        assertSame(want, got, t + " k=" + kk + " generator " + gen);
                        assertEquals(own.nextLong(), sharing.nextLong(), "the generator afterwards, " + t + " k=" + kk
                                + " generator " + gen);
                        return null;
                    });
                }
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<Void> f : pool.invokeAll(fits)) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        // the types of one K and generator drew the same seeds: Lloyd ran once for each K and generator, and
        // k-means++ computed, per generator, each centre once for the Ks of the same trials per centre (K = 1, 2:
        // 2 centres; K = 3..6: 6), whatever order the fits came in (the others replayed the draws, took the first K
        // centres of a longer seeding, or continued a shorter one)
        assertEquals(6 * 2, one.sharedClusterings());
        assertEquals((2 + 6) * 2, one.sharedSeedCentres());
    }

    /**
     * A memo's seedings of K = 3..7 (3 trials per centre each), asked in any order from two generators: each equals
     * the seeding made alone, bit for bit, leaves the generator where that one does, and every centre is computed
     * once per generator (a shorter seeding is the start of a longer one, and a longer one continues a shorter).
     */
    @Test
    void kmeansPlusPlusSeedingsOfOneTrialCountShareTheirCentres() {
        Dataset data = data(20_000, 5, true, 17);
        Initializer in = new Initializer(data, 3);
        for (int[] order : new int[][] {{3, 4, 5, 6, 7}, {7, 6, 5, 4, 3}, {5, 3, 7, 4, 6}}) {
            KMeansPlusPlus.Memo memo = new KMeansPlusPlus.Memo();
            for (int k : order) {
                assertEquals(3, KMeansPlusPlus.localTrials(k));
                for (long g = 0; g < 2; g++) {
                    SplittableRandom own = new SplittableRandom(g);
                    SplittableRandom sharing = new SplittableRandom(g);
                    String what = java.util.Arrays.toString(order) + " k=" + k + " generator " + g;
                    assertArrayEquals(KMeansPlusPlus.seeds(in, k, own), memo.seeds(in, k, sharing), 0.0, what);
                    assertEquals(own.nextLong(), sharing.nextLong(), "the generator afterwards, " + what);
                }
            }
            assertEquals(7 * 2, memo.computedCentres(), java.util.Arrays.toString(order));
        }
    }

    /** A dataset that counts the rows read from it. */
    private static final class CountingDataset implements Dataset {
        private final Dataset in;
        private long rowsRead;

        CountingDataset(Dataset in) {
            this.in = in;
        }

        @Override
        public long rows() {
            return in.rows();
        }

        @Override
        public int dims() {
            return in.dims();
        }

        @Override
        public boolean isFloat() {
            return in.isFloat();
        }

        @Override
        public void read(long start, int count, double[] dst, int off) {
            rowsRead += count;
            in.read(start, count, dst, off);
        }

        @Override
        public void read(long start, int count, float[] dst, int off) {
            rowsRead += count;
            in.read(start, count, dst, off);
        }

        @Override
        public boolean hasWeights() {
            return in.hasWeights();
        }

        @Override
        public void readWeights(long start, int count, double[] dst, int off) {
            in.readWeights(start, count, dst, off);
        }

        @Override
        public String describe() {
            return in.describe();
        }
    }

    /**
     * A complete start (an initial model, a checkpoint's parameters) reads no data: the sample is drawn only when a
     * fit needs it (here a collapsed component's re-seeding), and is then the sample an eager draw gave.
     */
    @Test
    void aCompleteStartDrawsNoSampleUntilOneIsNeeded() throws Exception {
        Dataset plain = data(60_000, 3, true, 11);
        CountingDataset counted = new CountingDataset(plain);
        Initializer lazy = new Initializer(counted, 5);
        Gaussians start = fast(new Initializer(plain, 5), 4, CovarianceType.FULL, InitMethod.KMEANS_PLUSPLUS, 3, 1);
        Gaussians again = lazy.initialize(4, CovarianceType.FULL, InitMethod.KMEANS_PLUSPLUS, REG, start.weights,
                start.means, start.covariances, new SplittableRandom(3));
        assertSame(start, again, "complete start");
        assertEquals(0, counted.rowsRead, "rows read for a complete start");
        assertEquals(Initializer.MAX_SAMPLE, lazy.sampleRows());
        assertEquals(0, counted.rowsRead, "rows read for the sample's size");

        double[] row = lazy.randomRow(new SplittableRandom(9));
        assertEquals(Initializer.MAX_SAMPLE, counted.rowsRead, "the sample drawn once, when first needed");
        assertArrayEquals(new Initializer(plain, 5).randomRow(new SplittableRandom(9)), row, 0.0);
        assertArrayEquals(new Initializer(plain, 5).dataCovariance(CovarianceType.DIAG, REG),
                lazy.dataCovariance(CovarianceType.DIAG, REG), 0.0);
        assertEquals(Initializer.MAX_SAMPLE, counted.rowsRead, "and not again");

        CountingDataset now = new CountingDataset(plain);
        new Initializer(now, 5).draw();
        assertEquals(Initializer.MAX_SAMPLE, now.rowsRead, "draw() reads the sample at once");
    }

    @Test
    void sampleRowsAreTheFirstDistinctDrawsSorted() {
        long n = 1_000_003;
        int m = 40_000;
        long[] want = new SplittableRandom(21 ^ 0x5DEECE66DL).longs(0, n).distinct().limit(m).sorted().toArray();
        assertArrayEquals(want, SampleRows.draw(n, m, 21));
    }
}
