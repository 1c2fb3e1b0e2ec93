package org.emgmm.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.emgmm.FitListener;
import org.emgmm.GaussianMixture;
import org.emgmm.GmmSettings;
import org.emgmm.MixtureModel;
import org.emgmm.Synthetic;
import org.emgmm.backend.cpu.CpuBackend;
import org.emgmm.config.CovarianceType;
import org.emgmm.config.Precision;
import org.emgmm.data.ArrayDataset;
import org.emgmm.data.Dataset;
import org.junit.jupiter.api.Test;

/**
 * Fits on several threads through one {@link SharedPassBackend} run in lockstep, one shared pass per iteration
 * (as many passes as the longest fit has iterations, not the sum; converged fits drop out), and give the models of fits alone; through
 * the CPU backend's own multi-model pass and through the default looping one alike.
 */
class SharedPassBackendTest {

    /** The CPU backend without its multi-model pass: the default {@link Backend#prepareMulti} serves. */
    private static Backend plain(CpuBackend cpu) {
        return new Backend() {
            @Override
            public String name() {
                return cpu.name();
            }

            @Override
            public String device() {
                return cpu.device();
            }

            @Override
            public Precision precision() {
                return cpu.precision();
            }

            @Override
            public Pass prepare(Dataset data, int k, CovarianceType type) {
                return cpu.prepare(data, k, type);
            }

            @Override
            public void close() {
            }
        };
    }

    private static List<GmmSettings> fits() {
        List<GmmSettings> out = new ArrayList<>();
        int k = 1;
        for (CovarianceType t : CovarianceType.values()) {
            out.add(GmmSettings.builder().k(k++).covarianceType(t).seed(2).tol(1e-7).build());
        }
        return out;
    }

    @Test
    void fitsOnThreadsShareOnePassPerIterationAndGiveTheModelsOfFitsAlone() throws Exception {
        Synthetic s = Synthetic.generate(6, CovarianceType.FULL, 2, 3, 500, 3.0);
        Dataset data = ArrayDataset.of(s.x, s.d, null);
        try (CpuBackend cpu = new CpuBackend(2, Precision.DOUBLE)) {
            List<MixtureModel> alone = new ArrayList<>();
            for (GmmSettings g : fits()) {
                alone.add(new GaussianMixture(g).fit(data, cpu, new FitListener() { }));
            }
            int longest = alone.stream().mapToInt(MixtureModel::nIter).max().orElseThrow();
            int sum = alone.stream().mapToInt(MixtureModel::nIter).sum();
            for (Backend inner : List.of(cpu, plain(cpu))) {
                ExecutorService threads = Executors.newFixedThreadPool(fits().size());
                // every fit has prepared its pass (it starts its first initialisation after) before any E step
                CyclicBarrier allIn = new CyclicBarrier(fits().size());
                FitListener waitForAll = new FitListener() {
                    @Override
                    public void initStarted(int init, int nInit) {
                        try {
                            allIn.await();
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                };
                try (SharedPassBackend shared = new SharedPassBackend(inner, data)) {
                    List<Future<MixtureModel>> fs = new ArrayList<>();
                    for (GmmSettings g : fits()) {
                        fs.add(threads.submit(() -> new GaussianMixture(g).fit(data, shared, waitForAll)));
                    }
                    for (int i = 0; i < fs.size(); i++) {
                        MixtureModel m = fs.get(i).get();
                        assertArrayEquals(alone.get(i).meansFlat(), m.meansFlat(), 0.0);
                        assertArrayEquals(alone.get(i).covariancesFlat(), m.covariancesFlat(), 0.0);
                        assertArrayEquals(alone.get(i).lowerBoundHistory(), m.lowerBoundHistory(), 0.0);
                    }
                    // in lockstep: one pass per iteration of the longest fit, where alone they took the sum
                    assertEquals(longest, shared.sharedPasses(), "shared passes; the fits alone took " + sum);
                } finally {
                    threads.shutdownNow();
                }
            }
        }
    }
}
