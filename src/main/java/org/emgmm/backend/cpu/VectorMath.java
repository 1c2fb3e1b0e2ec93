package org.emgmm.backend.cpu;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp and log over arrays of doubles from IEEE basic operations only (never an intrinsic), so the same inputs give
 * the same bits whether the code runs interpreted or compiled: the fit's kernel and the scoring kernel share this
 * one copy. Each method reads and writes arrays and takes no vector (see the package's JIT rules).
 *
 * <p>The template of {@code VectorMathF} (generated at build time by src/build/GenerateFloatKernels.java): lines
 * marked for one precision only hold what differs, the IEEE layout constants and the polynomials' degree (float:
 * exp to r⁷, log's series to u⁹, each truncated below float rounding).
 */
final class VectorMath {
    static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    static final VectorSpecies<Long> LS = LongVector.SPECIES_PREFERRED;
    static final int L = S.length();

    /** Bits of the significand; the exponent's bias; 2^MANT_BITS as bits; its value plus the bias. */
    static final int MANT_BITS = 52; //#double-only
    //#float-only static final int MANT_BITS = 23;
    static final long EXP_BIAS = 1023L; //#double-only
    //#float-only static final int EXP_BIAS = 127;
    static final long MANT_MASK = 0x000FFFFFFFFFFFFFL; //#double-only
    //#float-only static final int MANT_MASK = 0x007FFFFF;
    static final long ONE_BITS = 0x3FF0000000000000L; //#double-only
    //#float-only static final int ONE_BITS = 0x3F800000;
    static final long TWO_TO_MANT_BITS = 0x4330000000000000L; //#double-only
    //#float-only static final int TWO_TO_MANT_BITS = 0x4B000000;
    static final double EXP_OFFSET = 0x1p52 + 1023; //#double-only
    //#float-only static final float EXP_OFFSET = 0x1p23f + 127;
    /** 1.5·2^MANT_BITS: adding it rounds to an integer. */
    static final double MAGIC = 0x1.8p52; //#double-only
    //#float-only static final float MAGIC = 0x1.8p23f;
    static final double SQRT2 = 1.4142135623730951;
    static final double LN2_HI = 6.93147180369123816490e-01; //#double-only
    static final double LN2_LO = 1.90821492927058770002e-10; //#double-only
    //#float-only static final float LN2_HI = 0x1.62e4p-1f;
    //#float-only static final float LN2_LO = 0x1.7f7d1cp-20f;
    static final double LOG2E = 1.4426950408889634;
    static final double NEG_LN2_HI = -LN2_HI;
    static final double NEG_LN2_LO = -LN2_LO;
    static final double T2 = 1.0 / 2;
    static final double T3 = 1.0 / 6;
    static final double T4 = 1.0 / 24;
    static final double T5 = 1.0 / 120;
    static final double T6 = 1.0 / 720;
    static final double T7 = 1.0 / 5040;
    static final double T8 = 1.0 / 40320; //#double-only
    static final double T9 = 1.0 / 362880; //#double-only
    static final double T10 = 1.0 / 3628800; //#double-only
    static final double T11 = 1.0 / 39916800; //#double-only
    static final double T12 = 1.0 / 479001600; //#double-only
    static final double T13 = 1.0 / 6227020800.0; //#double-only

    private VectorMath() {
    }

    /**
     * z[o + i] = e^(z[o + i] − mx[i]) for i below np (the exponent ≤ 0, mx the per-sample maximum): n =
     * round(z / ln 2) by the 1.5·2⁵² trick, r = z − n ln 2 in two parts (|r| ≤ ½ ln 2), e^r by its Taylor
     * polynomial to r¹³ (truncation below 1e-17), times 2^n built in the exponent bits (n ≥ −1022 in the range
     * kept); 0 below {@code cut} (≥ {@link Kernel#EXP_UNDERFLOW_D}: no subnormals, and −∞ or garbage lanes are
     * masked), where a whole vector below it is skipped.
     *
     * @param step the vector length, passed from a non-final field so the loop stays uncounted (see the package's
     *     JIT rules)
     */
    static void exp(double[] z, int o, double[] mx, double cut, int np, int step) {
        // The constants as loop-invariant locals (a static final vector is re-read from its object every time).
        // One vector per step and no more: this method's inlined Vector API code must stay well under C2's
        // inlining budget, or C2 may leave some operations as calls that box every vector (seen with two vectors
        // per step: 6× slower in one process in ten); the out-of-order core overlaps the steps' fma chains anyway.
        DoubleVector vnegln2hi = DoubleVector.broadcast(S, NEG_LN2_HI);
        DoubleVector vnegln2lo = DoubleVector.broadcast(S, NEG_LN2_LO);
        DoubleVector vone = DoubleVector.broadcast(S, 1.0);
        DoubleVector vt2 = DoubleVector.broadcast(S, T2);
        DoubleVector vt3 = DoubleVector.broadcast(S, T3);
        DoubleVector vt4 = DoubleVector.broadcast(S, T4);
        DoubleVector vt5 = DoubleVector.broadcast(S, T5);
        DoubleVector vt6 = DoubleVector.broadcast(S, T6);
        DoubleVector vt7 = DoubleVector.broadcast(S, T7);
        DoubleVector vt8 = DoubleVector.broadcast(S, T8); //#double-only
        DoubleVector vt9 = DoubleVector.broadcast(S, T9); //#double-only
        DoubleVector vt10 = DoubleVector.broadcast(S, T10); //#double-only
        DoubleVector vt11 = DoubleVector.broadcast(S, T11); //#double-only
        DoubleVector vt12 = DoubleVector.broadcast(S, T12); //#double-only
        DoubleVector vt13 = DoubleVector.broadcast(S, T13); //#double-only
        LongVector bias = LongVector.broadcast(LS, EXP_BIAS);
        for (int i = 0; i < np; i += step) {
            DoubleVector v = DoubleVector.fromArray(S, z, o + i).sub(DoubleVector.fromArray(S, mx, i));
            VectorMask<Double> under = v.compare(VectorOperators.LT, cut);
            if (under.allTrue()) {
                DoubleVector.zero(S).intoArray(z, o + i);
                continue;
            }
            // lanes below the cut are clamped to it (then zeroed), so no lane forms a subnormal or garbage
            // power of two: a multiply with a subnormal result costs a microcode assist
            v = v.max(Kernel.EXP_UNDERFLOW_D);
            DoubleVector kd = v.fma(LOG2E, MAGIC);
            DoubleVector n = kd.sub(MAGIC);
            DoubleVector r = n.fma(vnegln2hi, v);
            r = n.fma(vnegln2lo, r);
            DoubleVector poly = r.fma(vt13, vt12); //#double-only
            //#float-only FloatVector poly = r.fma(vt7, vt6);
            poly = poly.fma(r, vt11); //#double-only
            poly = poly.fma(r, vt10); //#double-only
            poly = poly.fma(r, vt9); //#double-only
            poly = poly.fma(r, vt8); //#double-only
            poly = poly.fma(r, vt7); //#double-only
            poly = poly.fma(r, vt6);
            poly = poly.fma(r, vt5);
            poly = poly.fma(r, vt4);
            poly = poly.fma(r, vt3);
            poly = poly.fma(r, vt2);
            poly = poly.fma(r, vone);
            poly = poly.fma(r, vone);
            DoubleVector scale = ((LongVector) kd.reinterpretAsLongs()).add(bias)
                    .lanewise(VectorOperators.LSHL, MANT_BITS).reinterpretAsDoubles();
            poly.mul(scale).blend(0.0, under).intoArray(z, o + i);
        }
    }

    /**
     * out[i] = log in[i] for i below np (each value in [1, K]): s = 2^e·m with m in [√½, √2), log m = 2 atanh u,
     * u = (m − 1)/(m + 1), |u| ≤ 0.172, by its series to u²¹ (truncation below 1e-18), e·ln 2 in two parts.
     * {@code in} and {@code out} may be the same array.
     *
     * @param step the vector length, from a non-final field (as {@link #exp})
     */
    static void log(double[] in, double[] out, int np, int step) {
        DoubleVector ln2hi = DoubleVector.broadcast(S, LN2_HI);
        DoubleVector ln2lo = DoubleVector.broadcast(S, LN2_LO);
        for (int i = 0; i < np; i += step) {
            LongVector bits = (LongVector) DoubleVector.fromArray(S, in, i).reinterpretAsLongs();
            DoubleVector m = bits.and(MANT_MASK).or(ONE_BITS).reinterpretAsDoubles();
            DoubleVector e = bits.lanewise(VectorOperators.LSHR, MANT_BITS).or(TWO_TO_MANT_BITS).reinterpretAsDoubles()
                    .sub(EXP_OFFSET);
            VectorMask<Double> high = m.compare(VectorOperators.GT, SQRT2);
            m = m.blend(m.mul(0.5), high);
            e = e.blend(e.add(1.0), high);
            DoubleVector u = m.sub(1.0).div(m.add(1.0));
            DoubleVector u2 = u.mul(u);
            DoubleVector ser = u2.fma(1.0 / 21, 1.0 / 19); //#double-only
            //#float-only FloatVector ser = u2.fma(1.0f / 9, 1.0f / 7);
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 17)); //#double-only
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 15)); //#double-only
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 13)); //#double-only
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 11)); //#double-only
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 9)); //#double-only
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 7)); //#double-only
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 5));
            ser = ser.fma(u2, DoubleVector.broadcast(S, 1.0 / 3));
            DoubleVector u2u = u.add(u);
            DoubleVector logm = u2.mul(ser).fma(u2u, u2u);
            e.fma(ln2hi, e.fma(ln2lo, logm)).intoArray(out, i);
        }
    }

    /** @return the sum of {@code lanes[off, off + L)} in lane order (a fixed order, unlike a reduction) */
    static double laneSum(double[] lanes, int off) {
        double s = lanes[off];
        for (int l = 1; l < L; l++) {
            s += lanes[off + l];
        }
        return s;
    }
}
