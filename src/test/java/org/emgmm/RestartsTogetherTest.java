package org.emgmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.InitMethod;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@code nInit} restarts of one fit run together on the CPU backend (each on its own thread, one shared read of
 * the data per iteration) and give what restarts run one after another give, bit for bit in double: the model, the
 * lower-bound history, the events, and every listener call in the same order on the caller's thread. Checked for
 * every covariance type, both initialisations, with sample weights; and restarts run one at a time when the listener
 * takes checkpoints.
 */
class RestartsTogetherTest {

    /** Records every call as a line, and the threads that asked whether to stop. */
    private static class Log implements FitListener {
        final List<String> calls = Collections.synchronizedList(new ArrayList<>());
        final Set<String> stopThreads = ConcurrentHashMap.newKeySet();

        @Override
        public void initStarted(int init, int nInit) {
            calls.add("init " + init + "/" + nInit + " on " + Thread.currentThread().getName());
        }

        @Override
        public void iteration(int init, int iteration, double lowerBound, double change, long nanos) {
            calls.add("iter " + init + " " + iteration + " " + Double.doubleToLongBits(lowerBound) + " "
                    + Double.doubleToLongBits(change) + " on " + Thread.currentThread().getName());
        }

        @Override
        public void event(String message) {
            calls.add("event " + message);
        }

        @Override
        public boolean stopRequested() {
            stopThreads.add(Thread.currentThread().getName());
            return false;
        }
    }

    /** As {@link Log}, and it takes checkpoints. */
    private static final class CheckpointLog extends Log {
        int checkpoints;

        @Override
        public void checkpoint(FitState state) {
            checkpoints++;
        }
    }

    private static Dataset data() {
        Synthetic s = Synthetic.generate(3, CovarianceType.FULL, 4, 3, 900, 2.0);
        double[] w = new double[s.n];
        for (int i = 0; i < w.length; i++) {
            w[i] = 0.5 + (i % 7) / 7.0;
        }
        return ArrayDataset.of(s.x, s.d, w);
    }

    @ParameterizedTest
    @EnumSource(CovarianceType.class)
    void restartsTogetherEqualRestartsInTurn(CovarianceType type) {
        Dataset data = data();
        for (InitMethod init : InitMethod.values()) {
            GmmSettings s = GmmSettings.builder().k(4).covarianceType(type).nInit(5).seed(11).init(init).tol(1e-6)
                    .maxIter(60).build();
            Log seq = new Log();
            Log tog = new Log();
            MixtureModel a;
            MixtureModel b;
            try (CpuBackend cpu = new CpuBackend(2, Precision.DOUBLE)) {
                a = new GaussianMixture(s, false).fit(data, cpu, seq);
                b = new GaussianMixture(s).fit(data, cpu, tog);
            }
            String what = type + " " + init;
            assertArrayEquals(a.weights(), b.weights(), 0.0, what);
            assertArrayEquals(a.meansFlat(), b.meansFlat(), 0.0, what);
            assertArrayEquals(a.covariancesFlat(), b.covariancesFlat(), 0.0, what);
            assertArrayEquals(a.lowerBoundHistory(), b.lowerBoundHistory(), 0.0, what);
            assertEquals(a.converged(), b.converged(), what);
            assertEquals(a.events(), b.events(), what);
            assertEquals(seq.calls, tog.calls, what);   // same calls, same order, all on the caller's thread
            assertTrue(tog.stopThreads.stream().anyMatch(t -> t.startsWith("emgmm-restart")),
                    what + ": restarts ran on their own threads " + tog.stopThreads);
            assertFalse(seq.stopThreads.stream().anyMatch(t -> t.startsWith("emgmm-restart")), what);
        }
    }

    @ParameterizedTest
    @EnumSource(value = CovarianceType.class, names = {"DIAG", "FULL"})
    void aListenerThatTakesCheckpointsGetsRestartsInTurn(CovarianceType type) {
        GmmSettings s = GmmSettings.builder().k(3).covarianceType(type).nInit(3).seed(5).maxIter(20).build();
        CheckpointLog log = new CheckpointLog();
        try (CpuBackend cpu = new CpuBackend(2, Precision.DOUBLE)) {
            new GaussianMixture(s).fit(data(), cpu, log);
        }
        assertTrue(log.checkpoints > 0);
        assertFalse(log.stopThreads.stream().anyMatch(t -> t.startsWith("emgmm-restart")), log.stopThreads.toString());
    }
}
