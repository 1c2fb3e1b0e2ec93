package org.emgmm.em;

import java.util.Arrays;
import org.emgmm.config.CovarianceType;

/**
 * The additive sufficient statistics of one E step over a set of samples, the only thing a backend returns
 * (see DESIGN.md, "the one idea"). For component j with shift c<sub>j</sub> (the current mean):
 *
 * <pre>
 *   s0[j]            = Σᵢ ωᵢ wᵢⱼ
 *   s1[j*D + a]      = Σᵢ ωᵢ wᵢⱼ (xᵢₐ − cⱼₐ)
 *   diag, spherical:  s2[j*D + a]           = Σᵢ ωᵢ wᵢⱼ (xᵢₐ − cⱼₐ)²
 *   full, tied:       s2[(j*D + a)*D + b]   = Σᵢ ωᵢ wᵢⱼ (xᵢₐ − cⱼₐ)(xᵢ_b − cⱼ_b)   (only a ≤ b is read)
 *   logLik           = Σᵢ ωᵢ log Σⱼ φⱼ N(xᵢ | μⱼ, Σⱼ)
 *   weightSum        = Σᵢ ωᵢ
 * </pre>
 *
 * (ωᵢ sample weight, wᵢⱼ responsibility). Statistics of disjoint sample sets {@link #merge merge} by addition, so
 * one type serves every level of parallelism. For full and tied covariance only the upper triangle (a ≤ b) of each
 * D×D block of {@code s2} needs to be filled; the lower triangle is ignored.
 *
 * <p>This is a plain mutable accumulator for backends; the arrays are exposed for speed.
 */
public final class SufficientStatistics {
    /** Number of components. */
    public final int k;
    /** Number of features. */
    public final int d;
    /** Covariance type: decides the shape of {@link #s2}. */
    public final CovarianceType type;
    /** Σ ω w per component, length K. */
    public final double[] s0;
    /** Σ ω w (x − c) per component, K×D row-major. */
    public final double[] s1;
    /** Second moments about the shift: K×D (diag, spherical) or K×D×D (full, tied), row-major. */
    public final double[] s2;
    /** Σ ω log p(x). */
    public double logLik;
    /** Σ ω. */
    public double weightSum;

    /**
     * Zeroed statistics.
     *
     * @param k components
     * @param d features
     * @param type covariance type
     */
    public SufficientStatistics(int k, int d, CovarianceType type) {
        this.k = k;
        this.d = d;
        this.type = type;
        this.s0 = new double[k];
        this.s1 = new double[k * d];
        this.s2 = new double[type.needsOuterProducts() ? k * d * d : k * d];
    }

    /**
     * Adds another set of statistics (same K, D and type, same shifts) into this one.
     *
     * @param other statistics of a disjoint set of samples
     * @return this
     */
    public SufficientStatistics merge(SufficientStatistics other) {
        if (other.k != k || other.d != d || other.type != type) {
            throw new IllegalArgumentException("cannot merge statistics of different shapes");
        }
        add(s0, other.s0);
        add(s1, other.s1);
        add(s2, other.s2);
        logLik += other.logLik;
        weightSum += other.weightSum;
        return this;
    }

    /** Sets every sum to zero. */
    public void clear() {
        Arrays.fill(s0, 0);
        Arrays.fill(s1, 0);
        Arrays.fill(s2, 0);
        logLik = 0;
        weightSum = 0;
    }

    private static void add(double[] a, double[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }
}
