/*
 * common.cl - prepended by the host to every emgmm kernel source (and by itself a valid, empty program).
 *
 * Computes nothing; names the covariance types and chooses the arithmetic types so that one source serves float and
 * double:
 *   real, real4  the per-sample arithmetic and storage type: float when PRECISION == 32, double when PRECISION == 64
 *                (double needs cl_khr_fp64; the host never asks for it on a device without it)
 *   acc_t        the type of the final cross-group reduction and of estep's log-likelihood total: double whenever
 *                the device has cl_khr_fp64, else float
 *   COV_SPHERICAL, COV_DIAG, COV_FULL, COV_TIED   the values of COV
 *   DP, KP       NDIM and NCOMP rounded up to a multiple of 4 (the vector width of every register tile)
 *   PARAM_SPACE  the address space of the per-iteration parameters: __constant when PARAM_CONSTANT is 1 (the host
 *                sets it when they fit the device's constant buffer), else __global const
 * Tuning parameters and shape (-D options from the host; each has a default so that every kernel file compiles on
 * its own): PRECISION (32), HAVE_FP64 (0), COV (COV_DIAG), NDIM (4), NCOMP (4), WGS (64), TILE (64),
 * HAS_WEIGHTS (0), PARAM_CONSTANT (0).
 */
#ifndef PRECISION
#define PRECISION 32
#endif
#ifndef HAVE_FP64
#define HAVE_FP64 0
#endif

#if PRECISION == 64 || HAVE_FP64
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif

#if PRECISION == 64
typedef double real;
typedef double4 real4;
#else
typedef float real;
typedef float4 real4;
#endif

#if HAVE_FP64
typedef double acc_t;
#else
typedef float acc_t;
#endif

/* wide, wide4: the type of the full/tied weighted sums (accum.cl). double whenever the device has cl_khr_fp64 (unless
   the host sets WIDE_SUMS=0): a float product r (x_a - m_a) is exact in double, and each term of the Gram is then
   rounded once in double, so S2 - S1 S1^T / S0 stays positive semi-definite to double rounding; float products
   carry a 6e-8 relative error each, which makes nearly singular covariances indefinite (issue 14). */
#ifndef WIDE_SUMS
#define WIDE_SUMS HAVE_FP64
#endif
#if WIDE_SUMS
typedef double wide;
typedef double4 wide4;
#define TO_WIDE4(v) convert_double4(v)
#else
typedef real wide;
typedef real4 wide4;
#define TO_WIDE4(v) (v)
#endif

#define COV_SPHERICAL 0
#define COV_DIAG 1
#define COV_FULL 2
#define COV_TIED 3
#ifndef COV
#define COV COV_DIAG
#endif
#define OUTER (COV == COV_FULL || COV == COV_TIED)

#ifndef NDIM
#define NDIM 4
#endif
#ifndef NCOMP
#define NCOMP 4
#endif
#define DP (((NDIM) + 3) / 4 * 4)
#define KP (((NCOMP) + 3) / 4 * 4)
#ifndef WGS
#define WGS 64
#endif
#ifndef TILE
#define TILE 64                  /* rows per tile: a multiple of 4 */
#endif
#define TS (TILE + 4)            /* row stride of the transposed local tiles (padded against bank conflicts) */
#ifndef HAS_WEIGHTS
#define HAS_WEIGHTS 0
#endif
#ifndef PARAM_CONSTANT
#define PARAM_CONSTANT 0
#endif
#if PARAM_CONSTANT
#define PARAM_SPACE __constant
#else
#define PARAM_SPACE __global const
#endif

/* The fragments' functions (tile.cl, density.cl, sums.cl): inlined into their kernels on every compiler, so a kernel
   that calls them compiles as if their bodies were written in it (register tiles stay registers; no calls). */
#define INLINE inline __attribute__((always_inline))

/* Kahan: adds v into the compensated sum (s, c). */
#define KAHAN_ADD(s, c, v) KAHAN_ADD_T(real, s, c, v)
#define KAHAN_ADD_T(T, s, c, v) do { const T y_ = (v) - (c); const T t_ = (s) + y_; (c) = (t_ - (s)) - y_; (s) = t_; } while (0)
#define HSUM(v) (((v).x + (v).y) + ((v).z + (v).w))
