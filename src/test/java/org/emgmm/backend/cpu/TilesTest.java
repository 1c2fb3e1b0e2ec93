package org.emgmm.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The outer-product tiles against a scalar reference: every element (a, b ≥ a) of the upper triangle, lane l, is
 * its starting value plus one fma chain over the samples l, l + L, l + 2L, … in order ({@link Math#fma}, the same
 * IEEE operation), so {@link Tiles#outer} and the float kernel's 4×4 {@link Tiles#outer4} must match it bit for
 * bit (then the float sums' bits do not depend on which tile ran). Needs the Vector API module (the surefire
 * configuration adds it; skipped in CI's leg without it).
 */
class TilesTest {
    private static final int STRIDE = 64;

    @ParameterizedTest(name = "d={0} vectors={1}")
    @CsvSource({"16, 8", "16, 1", "12, 3", "8, 8", "4, 2", "6, 5", "13, 4", "1, 2"})
    void outerTilesMatchTheScalarFmaChains(int d, int vectors) {
        assumeTrue(CpuBackend.vectorAvailable(), "no Vector API in this JVM");
        int lanes = VectorBlock.L; // read only with the module present: VectorBlock names its classes
        int len = vectors * lanes;
        SplittableRandom rnd = new SplittableRandom(31L * d + vectors);
        double[] rt = new double[d * STRIDE + 8];
        double[] t = new double[d * STRIDE + 8];
        for (int i = 0; i < rt.length; i++) {
            rt[i] = rnd.nextDouble(-3, 3);
            t[i] = rnd.nextDouble(-3, 3);
        }
        int accOff = 5;
        double[] start = new double[accOff + d * d * lanes];
        for (int i = 0; i < start.length; i++) {
            start[i] = rnd.nextDouble(-10, 10);
        }
        double[] acc2 = start.clone();
        double[] acc4 = start.clone();
        Tiles.outer(rt, t, 4, STRIDE, len, d, acc2, accOff, lanes);
        Tiles.outer4(rt, t, 4, STRIDE, len, d, acc4, accOff, lanes);
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                for (int l = 0; l < lanes; l++) {
                    double e = 0;
                    for (int q = l; q < len; q += lanes) {
                        e = Math.fma(rt[4 + a * STRIDE + q], t[4 + b * STRIDE + q], e);
                    }
                    int x = accOff + (a * d + b) * lanes + l;
                    double want = start[x] + e;
                    String at = "element (" + a + ", " + b + ") lane " + l;
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(acc2[x]), "outer " + at);
                    assertEquals(Double.doubleToLongBits(want), Double.doubleToLongBits(acc4[x]), "outer4 " + at);
                }
            }
        }
    }
}
