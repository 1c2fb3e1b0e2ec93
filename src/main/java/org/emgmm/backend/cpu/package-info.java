/**
 * The CPU backend: a fused E step over blocks of {@link org.emgmm.backend.cpu.Kernel#BLOCK} samples, one
 * {@link org.emgmm.backend.cpu.Kernel} per worker thread, in plain Java ({@code Scalar*Kernel}) or through the
 * Vector API ({@code Vector*}, reached only by reflection through {@code VectorKernels}, so a JVM without the
 * incubator module never loads them).
 *
 * <h2>The double vector kernels, by job</h2>
 * <ul>
 *   <li>{@code VectorKernels} (the {@code KernelFactory}): chooses the fit kernel by covariance type,
 *       {@code FullDoubleKernel} for full and tied, {@code DiagDoubleKernel} for diag and spherical (or their
 *       generated float twins); a kernel refuses the other kind's parameters;</li>
 *   <li>{@code VectorDoubleKernel}: what both share: reads a block, has the subclass compute the log-densities,
 *       computes the responsibilities and dispatches the sums; {@code VectorBlock} holds the block buffers its
 *       parts share;</li>
 *   <li>{@code VectorParams}: what both kinds read of a pass's constants (the reference, the components near it,
 *       the negligible weights), built from {@code Params} once per pass per kernel; each kind's own in
 *       {@code DiagParams} (the packed (p, −μp) pairs) and {@code FullParams} (the packed factors and the means'
 *       offsets from the reference);</li>
 *   <li>{@code VectorMath}: exp and log from IEEE operations (also used by the scoring kernel);</li>
 *   <li>{@code DiagDoubleKernel}: the diag and spherical log-densities; {@code FullDoubleKernel} through
 *       {@code FullDensity}: the full and tied log-densities and their pruning;</li>
 *   <li>{@code Tiles}: the register-tile micro-kernels (3×3, 1×8 and the one 2×4 outer product; for the float
 *       kernel's gathered sums on 512-bit vectors a 4×4 outer product with the same bits);</li>
 *   <li>{@code VectorSums}: which components' sums go where; {@code SharedSums}: the sums of the components near
 *       the shared reference; {@code OwnMeanSums}: those of the far ones, about their own means;</li>
 *   <li>the generated float kernel's sums: {@code GatheredSums}, in double about each component's mean, over the
 *       samples gathered per component into buffers of 64 (see the README's developer notes).</li>
 * </ul>
 *
 * <h2>JIT rules the vector kernels rely on</h2>
 * C2 compiles the Vector API into SIMD instructions only where it can see every operation; these rules keep it so.
 * Each was measured (see the comments where it applies); break one and the kernel can get several times slower in
 * some processes and not others.
 * <ol>
 *   <li><b>No vector crosses a method call.</b> No method takes or returns a {@code DoubleVector},
 *       {@code FloatVector} or mask: a call C2 does not inline boxes the vector on the heap. Methods exchange
 *       arrays (and lane scratch arrays padded by {@code PAD} elements, so no two threads share a cache line).</li>
 *   <li><b>Small hot methods.</b> A method's inlined Vector API code must stay well under C2's inlining budget, or
 *       C2 may leave some operations as calls that box every vector (seen in {@code exp} with two vectors per step:
 *       6× slower in one process in ten). Split a loop that grows rather than adding to it.</li>
 *   <li><b>Constant vectors as locals.</b> Broadcast constants into locals before the loop: a {@code static final}
 *       vector is re-read from its object every time.</li>
 *   <li><b>Uncounted hot loops.</b> The loops with many accumulators step by a non-final field ({@code step},
 *       {@code one}) read into a local, so C2 cannot prove the step constant and does not unroll them: unrolled,
 *       they spill accumulators to the stack (the 3×3 tile: 2.3 G fma/s unrolled, 3.5 uncounted).</li>
 *   <li><b>Tiles no larger than the registers.</b> Nine accumulators (3×3) or eight (2×4, 1×8) plus their loads
 *       fit the 16 vector registers of AVX2; larger tiles spill. The one exception, {@code Tiles.outer4} (16
 *       accumulators, 8 loads), runs only with 512-bit vectors, where AVX-512 has 32 registers.</li>
 *   <li><b>Fixed order, no intrinsics.</b> exp and log are built from IEEE basic operations and lane sums are
 *       taken in lane order ({@code VectorMath.laneSum}), never by a reduction or an intrinsic, so the same inputs
 *       give the same bits interpreted or compiled, at any thread count.</li>
 * </ol>
 */
package org.emgmm.backend.cpu;
