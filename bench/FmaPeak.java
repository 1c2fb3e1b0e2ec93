import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's fused multiply-add peak as the Vector API reaches it: twelve independent fma chains per thread
 * (enough to cover the latency of two fma units), nothing loaded or stored. Run it before and after a benchmark to
 * see whether the machine's arithmetic throughput moved (on a shared virtual machine it does, by up to 1.5×):
 *
 * <pre>
 *   java --add-modules jdk.incubator.vector bench/FmaPeak.java        # 1 thread, then all cores
 * </pre>
 */
public final class FmaPeak {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;

    private FmaPeak() {
    }

    static double chains(long reps) {
        DoubleVector m = DoubleVector.broadcast(S, 0.999999);
        DoubleVector c = DoubleVector.broadcast(S, 1e-9);
        DoubleVector x0 = DoubleVector.zero(S);
        DoubleVector x1 = x0;
        DoubleVector x2 = x0;
        DoubleVector x3 = x0;
        DoubleVector x4 = x0;
        DoubleVector x5 = x0;
        DoubleVector x6 = x0;
        DoubleVector x7 = x0;
        DoubleVector x8 = x0;
        DoubleVector x9 = x0;
        DoubleVector x10 = x0;
        DoubleVector x11 = x0;
        for (long r = 0; r < reps; r++) {
            x0 = x0.fma(m, c);
            x1 = x1.fma(m, c);
            x2 = x2.fma(m, c);
            x3 = x3.fma(m, c);
            x4 = x4.fma(m, c);
            x5 = x5.fma(m, c);
            x6 = x6.fma(m, c);
            x7 = x7.fma(m, c);
            x8 = x8.fma(m, c);
            x9 = x9.fma(m, c);
            x10 = x10.fma(m, c);
            x11 = x11.fma(m, c);
        }
        return x0.add(x1).add(x2).add(x3).add(x4).add(x5).add(x6).add(x7).add(x8).add(x9).add(x10).add(x11)
                .reduceLanes(VectorOperators.ADD);
    }

    static void measure(int threads, long reps) throws InterruptedException {
        double[] sink = new double[threads];
        Thread[] ts = new Thread[threads];
        long t0 = System.nanoTime();
        for (int i = 0; i < threads; i++) {
            int id = i;
            ts[i] = new Thread(() -> sink[id] = chains(reps));
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d thread(s): %.2f G vector fma/s (%d-bit vectors), sink %.3g%n", threads,
                threads * reps * 12 / s / 1e9, S.vectorBitSize(), sink[0]);
    }

    public static void main(String[] args) throws InterruptedException {
        for (int i = 0; i < 20; i++) {
            chains(2_000_000L); // compiled (not only on-stack-replaced) before the timed calls
        }
        measure(1, 200_000_000L);
        measure(Runtime.getRuntime().availableProcessors(), 200_000_000L);
    }
}
