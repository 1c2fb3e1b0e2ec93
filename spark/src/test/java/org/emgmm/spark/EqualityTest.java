package org.emgmm.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.StartParameters;
import org.emgmm.bench.SyntheticMixture;
import org.emgmm.config.BackendKind;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.data.ArrayDataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Spark fit against the single-machine emgmm fit (the independent reference here is the core's own CPU path,
 * itself tested against scikit-learn): same explicit start, every covariance type, with and without weights.
 */
class EqualityTest {
    /** Parameters agree to this (relative to max(1, |value|)). */
    static final double PARAM_TOL = 1e-10;
    /** Lower bounds agree to this. */
    static final double BOUND_TOL = 1e-12;
    /** Fits over different partitionings agree to this. */
    static final double PARTITION_TOL = 1e-12;

    static final int N = 3000;
    static final int D = 3;
    static final int K = 3;

    static Stream<Arguments> cases() {
        return Stream.of(CovarianceType.values()).flatMap(t -> Stream.of(Arguments.of(t, false),
                Arguments.of(t, true)));
    }

    static ArrayDataset data() {
        return SyntheticMixture.generate(N, D, K, 11, false);
    }

    static double[] weights() {
        SplittableRandom r = new SplittableRandom(5);
        double[] w = new double[N];
        for (int i = 0; i < N; i++) {
            w[i] = i % 17 == 0 ? 0 : 0.25 + 2 * r.nextDouble();
        }
        return w;
    }

    /** An explicit start: means on three data rows, unit covariances, unequal weights. */
    static MixtureModel start(CovarianceType type, double[] x) {
        double[] w = {0.5, 0.3, 0.2};
        double[] mu = new double[K * D];
        for (int j = 0; j < K; j++) {
            System.arraycopy(x, (j * 997) * D, mu, j * D, D);
        }
        double[] cov;
        switch (type) {
            case SPHERICAL:
                cov = new double[] {1, 2, 0.5};
                break;
            case DIAG:
                cov = new double[K * D];
                java.util.Arrays.fill(cov, 1.5);
                break;
            case TIED:
                cov = identity(1);
                break;
            default:
                cov = new double[K * D * D];
                for (int j = 0; j < K; j++) {
                    System.arraycopy(identity(1 + j), 0, cov, j * D * D, D * D);
                }
        }
        return MixtureModel.of(type, w, mu, cov);
    }

    static double[] identity(double s) {
        double[] m = new double[D * D];
        for (int a = 0; a < D; a++) {
            m[a * D + a] = s;
        }
        return m;
    }

    static MixtureModel single(CovarianceType type, ArrayDataset data, MixtureModel start) {
        GmmSettings s = GmmSettings.builder().k(K).covarianceType(type).tol(1e-8).maxIter(300)
                .start(StartParameters.of(start)).backend(BackendKind.CPU).build();
        return new org.emgmm.GaussianMixture(s).fit(data);
    }

    static MixtureModel spark(CovarianceType type, Dataset<Row> df, boolean weighted, MixtureModel start) {
        GaussianMixture gm = new GaussianMixture().setTol(1e-8).setMaxIter(300).setBackend("cpu")
                .setInitialModel(start);
        if (weighted) {
            gm.setWeightCol("w");
        }
        return gm.fit(df).mixtureModel();
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        for (int i = 0; i < expected.length; i++) {
            double scale = Math.max(1, Math.abs(expected[i]));
            assertTrue(Math.abs(expected[i] - actual[i]) <= tol * scale,
                    what + "[" + i + "]: " + expected[i] + " vs " + actual[i]);
        }
    }

    static void assertSameFit(MixtureModel expected, MixtureModel actual, double paramTol, double boundTol) {
        assertEquals(expected.nIter(), actual.nIter(), "iterations");
        assertEquals(expected.converged(), actual.converged(), "converged");
        assertClose(expected.weights(), actual.weights(), paramTol, "weights");
        assertClose(expected.meansFlat(), actual.meansFlat(), paramTol, "means");
        assertClose(expected.covariancesFlat(), actual.covariancesFlat(), paramTol, "covariances");
        assertClose(new double[] {expected.lowerBound()}, new double[] {actual.lowerBound()}, boundTol,
                "lower bound");
        assertClose(expected.lowerBoundHistory(), actual.lowerBoundHistory(), boundTol, "lower bound history");
    }

    @ParameterizedTest(name = "{0}, weighted {1}")
    @MethodSource("cases")
    void equalsSingleMachineFit(CovarianceType type, boolean weighted) {
        ArrayDataset data = data();
        double[] x = data.doubleArray();
        double[] w = weighted ? weights() : null;
        MixtureModel start = start(type, x);
        MixtureModel ref = single(type, weighted ? data.withWeights(w) : data, start);
        assertTrue(ref.nIter() > 3, "the reference fit iterates: " + ref.nIter());
        MixtureModel one = spark(type, TestData.frame(x, D, w, 1), weighted, start);
        // One partition: the very same backend pass over the very same rows, so the same bits.
        assertArrayEquals(ref.lowerBoundHistory(), one.lowerBoundHistory(), "1 partition: history");
        assertArrayEquals(ref.covariancesFlat(), one.covariancesFlat(), "1 partition: covariances");
        MixtureModel three = spark(type, TestData.frame(x, D, w, 3), weighted, start);
        assertSameFit(ref, three, PARAM_TOL, BOUND_TOL);
        MixtureModel eight = spark(type, TestData.frame(x, D, w, 8), weighted, start);
        assertSameFit(ref, eight, PARAM_TOL, BOUND_TOL);
        assertSameFit(one, three, PARTITION_TOL, PARTITION_TOL);
        assertSameFit(one, eight, PARTITION_TOL, PARTITION_TOL);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("initMethods")
    void seededInitialisationEqualsSingleMachine(InitMethod init) {
        ArrayDataset data = data();
        double[] x = data.doubleArray();
        GmmSettings s = GmmSettings.builder().k(K).covarianceType(CovarianceType.DIAG).tol(1e-8).maxIter(300)
                .seed(42).nInit(2).init(init).backend(BackendKind.CPU).build();
        MixtureModel ref = new org.emgmm.GaussianMixture(s).fit(data);
        MixtureModel sp = new GaussianMixture().setK(K).setCovarianceType("diag").setTol(1e-8).setMaxIter(300)
                .setSeed(42).setNInit(2).setInit(init.cliName()).setBackend("cpu")
                .fit(TestData.frame(x, D, null, 3)).mixtureModel();
        assertSameFit(ref, sp, PARAM_TOL, BOUND_TOL);
    }

    static Stream<InitMethod> initMethods() {
        return Stream.of(InitMethod.values());
    }

    /** Above the core's initialisation sample size the same sample rows are drawn from the partitions. */
    @org.junit.jupiter.api.Test
    void sampledInitialisationEqualsSingleMachine() {
        int n = org.emgmm.em.Initializer.MAX_SAMPLE + 4321;
        ArrayDataset data = SyntheticMixture.generate(n, 2, 2, 3, false);
        GmmSettings s = GmmSettings.builder().k(2).covarianceType(CovarianceType.FULL).maxIter(4).seed(9)
                .backend(BackendKind.CPU).build();
        MixtureModel ref = new org.emgmm.GaussianMixture(s).fit(data);
        MixtureModel sp = new GaussianMixture().setK(2).setMaxIter(4).setSeed(9).setBackend("cpu")
                .fit(TestData.frame(data.doubleArray(), 2, null, 3)).mixtureModel();
        assertSameFit(ref, sp, PARAM_TOL, BOUND_TOL);
    }

    /**
     * Parameters above {@link SparkPass#CLOSURE_LIMIT} doubles (here K=17 full at D=62: 66,419) travel in a
     * broadcast of their own instead of the task function; the fit equals the single-machine one all the same. Also
     * checks that the fit leaves the caller's job call site (Spark's local properties, which each pass sets for its
     * job) as it found it.
     */
    @org.junit.jupiter.api.Test
    void largeParametersTravelInABroadcast() {
        int k = 17;
        int d = 62;
        int doubles = k + k * d + k * d * d; // weights, means, covariances: Messages.Params#size
        assertTrue(doubles > SparkPass.CLOSURE_LIMIT, "parameters above the closure limit: " + doubles);
        ArrayDataset data = SyntheticMixture.generate(1200, d, k, 4, false);
        GmmSettings s = GmmSettings.builder().k(k).covarianceType(CovarianceType.FULL).maxIter(3).seed(2)
                .backend(BackendKind.CPU).build();
        MixtureModel ref = new org.emgmm.GaussianMixture(s).fit(data);
        org.apache.spark.SparkContext sc = TestData.spark().sparkContext();
        sc.setLocalProperty("callSite.short", "caller's own");
        try {
            MixtureModel sp = new GaussianMixture().setK(k).setMaxIter(3).setSeed(2).setBackend("cpu")
                    .fit(TestData.frame(data.doubleArray(), d, null, 3)).mixtureModel();
            assertSameFit(ref, sp, PARAM_TOL, BOUND_TOL);
            assertEquals("caller's own", sc.getLocalProperty("callSite.short"));
            assertEquals(null, sc.getLocalProperty("callSite.long"));
        } finally {
            sc.setLocalProperty("callSite.short", null);
        }
    }

    /** The grouped sum (more partitions than the driver adds directly) gives the same fit. */
    @org.junit.jupiter.api.Test
    void groupedSumEqualsDirectSum() {
        ArrayDataset data = data();
        double[] x = data.doubleArray();
        MixtureModel start = start(CovarianceType.FULL, x);
        Dataset<Row> df = TestData.frame(x, D, null, 8);
        MixtureModel direct = new GaussianMixture().setTol(1e-8).setMaxIter(300).setBackend("cpu")
                .setInitialModel(start).fit(df).mixtureModel();
        MixtureModel grouped = new GaussianMixture().setTol(1e-8).setMaxIter(300).setBackend("cpu")
                .setInitialModel(start).setFanIn(3).fit(df).mixtureModel();
        assertSameFit(direct, grouped, PARTITION_TOL, PARTITION_TOL);
    }

    /**
     * Grouping the packed partitions into fewer tasks (3; as many as the cluster has task slots, here local[2]'s 2;
     * or the automatic layout, here one task running the CPU backend on both cores) changes nothing: each packed
     * partition's statistics are still added in partition order, and the backend's pass has the same bits at any
     * thread count, so the bits equal one task per partition.
     */
    @ParameterizedTest(name = "{0}, weighted {1}")
    @MethodSource("cases")
    void tasksGroupingPartitionsGiveTheSameBits(CovarianceType type, boolean weighted) {
        ArrayDataset data = data();
        double[] x = data.doubleArray();
        double[] w = weighted ? weights() : null;
        MixtureModel start = start(type, x);
        Dataset<Row> df = TestData.frame(x, D, w, 8);
        MixtureModel perPartition = null;
        for (int tasks : new int[] {8, 0, 3, 2}) {
            GaussianMixture gm = new GaussianMixture().setTol(1e-8).setMaxIter(300).setBackend("cpu")
                    .setInitialModel(start).setMaxTasks(tasks);
            if (weighted) {
                gm.setWeightCol("w");
            }
            MixtureModel m = gm.fit(df).mixtureModel();
            String layout = tasks == 0 ? "1 task of 2 threads" : tasks + " tasks of 1 thread";
            assertTrue(m.device().startsWith("Spark, 8 partitions in " + layout + ": cpu (CPU, "
                    + (tasks == 0 ? "2 threads" : "1 thread")), m.device());
            if (perPartition == null) {
                perPartition = m;
                continue;
            }
            assertEquals(perPartition.nIter(), m.nIter(), tasks + " tasks: iterations");
            assertArrayEquals(perPartition.lowerBoundHistory(), m.lowerBoundHistory(), tasks + " tasks: history");
            assertArrayEquals(perPartition.meansFlat(), m.meansFlat(), tasks + " tasks: means");
            assertArrayEquals(perPartition.covariancesFlat(), m.covariancesFlat(), tasks + " tasks: covariances");
            assertArrayEquals(perPartition.weights(), m.weights(), tasks + " tasks: weights");
        }
    }

    /**
     * With a checkpoint directory the packed partitions are written there (the fault-tolerant cut of the lineage)
     * and the fit has the same bits as with the local checkpoint.
     */
    @org.junit.jupiter.api.Test
    void checkpointDirectoryKeepsTheBits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws java.io.IOException {
        ArrayDataset data = data();
        double[] x = data.doubleArray();
        MixtureModel start = start(CovarianceType.FULL, x);
        Dataset<Row> df = TestData.frame(x, D, null, 3);
        MixtureModel local = spark(CovarianceType.FULL, df, false, start);
        org.apache.spark.SparkContext sc = TestData.spark().sparkContext();
        sc.setCheckpointDir(dir.toString());
        MixtureModel checkpointed;
        try {
            checkpointed = spark(CovarianceType.FULL, df, false, start);
        } finally {
            sc.setCheckpointDir(null);
        }
        assertTrue(sc.getCheckpointDir().isEmpty(), "checkpoint directory unset again");
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.walk(dir)) {
            assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith("part-")),
                    "partitions written under " + dir);
        }
        assertArrayEquals(local.lowerBoundHistory(), checkpointed.lowerBoundHistory(), "history");
        assertArrayEquals(local.covariancesFlat(), checkpointed.covariancesFlat(), "covariances");
    }
}
