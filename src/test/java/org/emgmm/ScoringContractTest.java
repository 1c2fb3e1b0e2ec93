package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.emgmm.backend.Backend;
import org.emgmm.backend.RowOutput;
import org.emgmm.backend.ScoreBlock;
import org.emgmm.backend.ScoreSink;
import org.emgmm.backend.ScoreTotals;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.backend.cpu.PlainCpu;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The scoring pass of every backend ({@link Backend#scorer} through {@link ModelScorer}) against the scalar
 * reference ({@link ScalarReference}: row by row): scoreSamples,
 * predictProba, predict, score, BIC and AIC, for every covariance type, on shapes from D = 1, K = 1 to D = 16,
 * K = 16, over several tasks and a partial last block, with sample weights (some 0), data far from the origin, and
 * a tight component far from the others.
 */
class ScoringContractTest {
    /** Double: the backends' per-row results against the reference ({@link Tolerances#SCORE_F64}). */
    static final double SCORE_F64 = Tolerances.SCORE_F64;
    /** Float, against the reference on the data rounded to float ({@link Tolerances#SCORE_F32}). */
    static final double SCORE_F32 = Tolerances.SCORE_F32;
    /** Rows: three tasks of the CPU scorer and a partial block. */
    static final int N = 2 * 8192 + 1000 + 77;

    static Stream<TestBackends.NamedBackend> backends() {
        List<TestBackends.NamedBackend> out = new ArrayList<>(TestBackends.all().toList());
        out.add(new TestBackends.NamedBackend("cpu-plain-double-1thread", Precision.DOUBLE,
                () -> PlainCpu.open(1, Precision.DOUBLE)));
        out.add(new TestBackends.NamedBackend("cpu-plain-double-allthreads", Precision.DOUBLE,
                () -> PlainCpu.open(0, Precision.DOUBLE)));
        out.add(new TestBackends.NamedBackend("cpu-plain-float", Precision.FLOAT,
                () -> PlainCpu.open(0, Precision.FLOAT)));
        return out.stream();
    }

    /** The shapes: (D, K). */
    static final int[][] SHAPES = {{1, 1}, {2, 3}, {5, 4}, {16, 16}};

    @ParameterizedTest(name = "{0}")
    @MethodSource("backends")
    void everyOutputMatchesTheScalarReference(TestBackends.NamedBackend b) {
        double tol = b.precision() == Precision.DOUBLE ? SCORE_F64 : SCORE_F32;
        try (Backend backend = b.open()) {
            for (CovarianceType type : CovarianceType.values()) {
                for (int[] shape : SHAPES) {
                    long seed = 31L * shape[0] + shape[1] + type.ordinal();
                    MixtureModel m = randomModel(seed, type, shape[0], shape[1],
                            b.precision() == Precision.DOUBLE ? 100 : 0);
                    Dataset data = dataFrom(m, seed, N, true);
                    if (b.precision() == Precision.FLOAT) {
                        data = roundedToFloat(data);
                    }
                    check(type + " D=" + shape[0] + " K=" + shape[1], m, data, backend, tol);
                }
            }
        }
    }

    static void check(String c, MixtureModel m, Dataset data, Backend backend, double tol) {
        ScalarReference ref = new ScalarReference(m, data);
        ModelScorer s = new ModelScorer(m, backend);
        double[] lp = s.scoreSamples(data);
        double[][] proba = s.predictProba(data);
        int[] labels = s.predict(data);
        ModelScorer.Evaluation ev = s.evaluate(data);
        int wrongLabels = 0;
        for (int i = 0; i < lp.length; i++) {
            near(c + " scoreSamples[" + i + "]", ref.logProb[i], lp[i], tol);
            for (int j = 0; j < m.nComponents(); j++) {
                if (Math.abs(proba[i][j] - ref.proba[i][j]) > tol) {
                    fail(c + " predictProba[" + i + "][" + j + "]: expected " + ref.proba[i][j] + " but was "
                            + proba[i][j]);
                }
            }
            if (labels[i] != ref.labels[i] && !ref.nearTie(i, tol)) {
                wrongLabels++;
            }
        }
        assertEquals(0, wrongLabels, c + ": labels differing from the reference where it is no near-tie");
        near(c + " score", ref.score, ev.score(), tol);
        near(c + " bic", ref.bic, ev.bic(), tol);
        near(c + " aic", ref.aic, ev.aic(), tol);
        assertEquals(data.rows(), ev.totals().rows());
    }

    static void near(String what, double expected, double actual, double tol) {
        if (!(Math.abs(expected - actual) <= tol * Math.max(1, Math.abs(expected)))) {
            fail(what + ": expected " + expected + " but was " + actual + " (tolerance " + tol + " relative)");
        }
    }

    /**
     * A model of random weights, means about {@code offset} from the origin, covariances of random scale and
     * correlation, and one component 10× tighter than the rest.
     */
    static MixtureModel randomModel(long seed, CovarianceType type, int d, int k, double offset) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] w = new double[k];
        double sum = 0;
        for (int j = 0; j < k; j++) {
            w[j] = 0.2 + r.nextDouble();
            sum += w[j];
        }
        for (int j = 0; j < k; j++) {
            w[j] /= sum;
        }
        double[] mu = new double[k * d];
        for (int i = 0; i < mu.length; i++) {
            mu[i] = offset + 4 * Synthetic.gauss(r);
        }
        double[] cov = new double[org.emgmm.em.Gaussians.covarianceLength(type, k, d)];
        switch (type) {
            case SPHERICAL:
                for (int j = 0; j < k; j++) {
                    cov[j] = (j == k - 1 && k > 1 ? 0.01 : 1) * (0.5 + r.nextDouble());
                }
                break;
            case DIAG:
                for (int j = 0; j < k; j++) {
                    for (int a = 0; a < d; a++) {
                        cov[j * d + a] = (j == k - 1 && k > 1 ? 0.01 : 1) * (0.3 + 2 * r.nextDouble());
                    }
                }
                break;
            case TIED:
                spd(r, d, cov, 0, 1);
                break;
            default:
                for (int j = 0; j < k; j++) {
                    spd(r, d, cov, j * d * d, j == k - 1 && k > 1 ? 0.01 : 1);
                }
        }
        return MixtureModel.of(type, w, mu, cov);
    }

    /** A random symmetric positive-definite matrix L Lᵀ · scale at cov[off..]. */
    private static void spd(SplittableRandom r, int d, double[] cov, int off, double scale) {
        double[] l = new double[d * d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < a; b++) {
                l[a * d + b] = 0.4 * Synthetic.gauss(r);
            }
            l[a * d + a] = 0.5 + r.nextDouble();
        }
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                double s = 0;
                for (int c = 0; c < d; c++) {
                    s += l[a * d + c] * l[b * d + c];
                }
                cov[off + a * d + b] = scale * s;
            }
        }
    }

    /** n samples of the model, widened by 1.5 (so some fall between components), with weights (some 0) if asked. */
    static Dataset dataFrom(MixtureModel m, long seed, int n, boolean weighted) {
        MixtureModel.Samples s = m.sample(n, seed);
        double[][] x = s.x();
        double[][] mu = m.means();
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < x[i].length; a++) {
                x[i][a] = mu[s.labels()[i]][a] + 1.5 * (x[i][a] - mu[s.labels()[i]][a]);
            }
        }
        double[] w = null;
        if (weighted) {
            SplittableRandom r = new SplittableRandom(seed + 1);
            w = new double[n];
            for (int i = 0; i < n; i++) {
                w[i] = i % 7 == 0 ? 0 : 2 * r.nextDouble();
            }
        }
        return ArrayDataset.of(x, w);
    }

    /** The same rows and weights with every value rounded to float. */
    static Dataset roundedToFloat(Dataset data) {
        int n = (int) data.rows();
        float[] x = new float[n * data.dims()];
        double[] w = new double[n];
        data.read(0, n, x, 0);
        data.readWeights(0, n, w, 0);
        return ArrayDataset.of(x, data.dims(), w);
    }

    @Test
    void sameBitsAtAnyThreadCountAndBetweenTheModelsMethodsAndTheBackendPass() {
        MixtureModel m = randomModel(7, CovarianceType.FULL, 5, 4, 100);
        Dataset data = dataFrom(m, 8, N, true);
        try (CpuBackend one = new CpuBackend(1, Precision.DOUBLE); CpuBackend three = new CpuBackend(3,
                Precision.DOUBLE); CpuBackend all = new CpuBackend(0, Precision.DOUBLE)) {
            ModelScorer a = new ModelScorer(m, one);
            ModelScorer b = new ModelScorer(m, three);
            assertArrayEquals(a.scoreSamples(data), b.scoreSamples(data));
            assertEquals(a.evaluate(data), b.evaluate(data));
            assertArrayEquals(a.predict(data), b.predict(data));
            // MixtureModel's own methods are this pass on a CPU backend of all cores in double: the same bits
            ModelScorer c = new ModelScorer(m, all);
            assertArrayEquals(c.scoreSamples(data), m.scoreSamples(data));
            assertEquals(c.evaluate(data).score(), m.score(data));
            assertEquals(c.evaluate(data).bic(), m.bic(data));
            assertEquals(c.evaluate(data).aic(), m.aic(data));
            assertArrayEquals(c.predict(data), m.predict(data));
        }
    }

    @Test
    void blocksArriveInRowOrderWithBoundedBlocksInFlight() {
        MixtureModel m = randomModel(9, CovarianceType.DIAG, 3, 5, 100);
        int n = 40 * 8192 + 5;
        Dataset data = dataFrom(m, 10, n, false);
        int threads = 3;
        try (CpuBackend cpu = new CpuBackend(threads, Precision.DOUBLE)) {
            AtomicLong next = new AtomicLong();
            AtomicInteger pending = new AtomicInteger();
            AtomicInteger maxPending = new AtomicInteger();
            double[] lp = new double[n];
            ScoreTotals t = new ModelScorer(m, cpu).stream(data, EnumSet.of(RowOutput.LOG_PROB),
                    new ScoreSink<ScoreBlock>() {
                        @Override
                        public ScoreBlock convert(ScoreBlock block) {
                            maxPending.accumulateAndGet(pending.incrementAndGet(), Math::max);
                            return block;
                        }

                        @Override
                        public void accept(ScoreBlock block) {
                            pending.decrementAndGet();
                            assertEquals(next.get(), block.start(), "blocks in row order");
                            assertTrue(block.labels() == null && block.proba() == null, "only what was asked");
                            System.arraycopy(block.logProb(), 0, lp, (int) block.start(), block.count());
                            next.addAndGet(block.count());
                        }
                    });
            assertEquals(n, next.get());
            assertTrue(maxPending.get() <= 4 * threads + 1, "blocks in flight: " + maxPending.get());
            double sum = 0;
            for (double v : lp) {
                sum += v;
            }
            assertEquals(sum / n, t.mean(), 1e-12 * Math.abs(sum / n));
            assertArrayEquals(new ScalarReference(m, data).logProb, lp, 1e-10);
        }
    }
}
