/*
 * score.cl - the scoring pass (everything after a fit: score, score_samples, predict, predict_proba, BIC, AIC).
 *
 * Computes, per row i (one work-item each), the log-densities of every component
 *   lp_j = logConst_j - 1/2 |(x_i - mu_j)^T U_j|^2      (scikit-learn's parameterisation: Sigma^-1 = U U^T)
 * then log p(x_i) = max_j lp_j + log sum_j exp(lp_j - max), the first j reaching the maximum, and, when asked, the
 * responsibilities exp(lp_j - max) / sum.
 * Inputs: x (n rows of d, row-major, real), params = means (k*d), then precision factors (diag/spherical: k*d,
 * spherical repeated per feature; full/tied: k*d*d upper-triangular U, tied repeated), then logConst (k).
 * Outputs: logp (n), label (n), scratch (n*k: the log-densities, then the responsibilities when want_proba).
 * Tuning: none (the host launches work-groups of the device's preferred multiple); d, k and the covariance kind
 * are arguments, so one program per precision serves every model. Prepended: common.cl (real, PRECISION).
 */
__kernel void score(__global const real* x, __global const real* params, const int n, const int d, const int k,
                    const int full, const int want_proba, __global real* logp, __global int* label,
                    __global real* scratch)
{
    const int i = get_global_id(0);
    if (i >= n) {
        return;
    }
    __global const real* xi = x + (size_t) i * d;
    __global const real* mu = params;
    __global const real* prec = params + (size_t) k * d;
    __global const real* lc = prec + (size_t) k * d * (full ? d : 1);
    __global real* lp = scratch + (size_t) i * k;
    real mx = -INFINITY;
    int best = 0;
    for (int j = 0; j < k; j++) {
        real m = 0;
        if (full) {
            __global const real* u = prec + (size_t) j * d * d;
            for (int c = 0; c < d; c++) {
                real y = 0;
                for (int r = 0; r <= c; r++) {
                    y = fma(xi[r] - mu[j * d + r], u[r * d + c], y);
                }
                m = fma(y, y, m);
            }
        } else {
            for (int a = 0; a < d; a++) {
                real v = (xi[a] - mu[j * d + a]) * prec[j * d + a];
                m = fma(v, v, m);
            }
        }
        real v = lc[j] - (real) 0.5 * m;
        lp[j] = v;
        if (v > mx) {
            mx = v;
            best = j;
        }
    }
    real s = 0;
    for (int j = 0; j < k; j++) {
        real e = exp(lp[j] - mx);
        lp[j] = e;
        s += e;
    }
    logp[i] = mx + log(s);
    label[i] = best;
    if (want_proba) {
        real inv = (real) 1 / s;
        for (int j = 0; j < k; j++) {
            lp[j] *= inv;
        }
    }
}
