#!/usr/bin/env bash
# The GPU check of issues 3 and 10, for a machine with an NVIDIA GPU and no JDK (prepare .gpu/ first with
# bench/prepare-gpu.sh, then carry .gpu along). Run from the repository root:
#     bash bench/gpu-check.sh            (as root: it writes /etc/OpenCL/vendors/nvidia.icd)
# It
#   1. registers NVIDIA's OpenCL ICD (libnvidia-opencl.so.1) and puts an ICD loader libOpenCL.so.1 (CUDA ships
#      one) on LD_LIBRARY_PATH,
#   2. lists the OpenCL devices,
#   3. runs the OpenCL tests and the backend-contract tests on the GPU (EMGMM_REQUIRE_OPENCL=1: no skipping),
#   4. runs the JMH benchmarks of issue 10's targets, OpenCL and CPU backends in the same JVM (ms per iteration,
#      and the fraction of the H200's limits: 67 TFLOP/s fp32, 4.8 TB/s):
#        diag N=1e8 D=16 K=16 float (target <= 7 ms), full N=1e7 D=16 K=16 float (>= 30% of fp32 peak),
#        full N=1e6 D=64 K=64 float (>= 30% of fp32 peak); and >= 20x the CPU backend on this machine's cores,
#   5. (issue 11) bench --compare, and a fit of data larger than one allocation (org.emgmm.backend.opencl.LargeDataCheck:
#      D=64 K=16 diag float, N = 1.1x CL_DEVICE_MAX_MEM_ALLOC_SIZE of data made on the fly, resident in several
#      buffers; prints the plan, the upload time and ms per iteration, and checks the means it finds),
#   6. when scikit-learn is there, scikit-learn at N=1e7 for the >= 100x ratio,
# and writes everything under $OUT (default ./gpu-out). STAGES="icd tests bench compare large sklearn" picks stages;
# DIAG_N, FULL_N, FULL64_N, XMX override the benchmark sizes and heap (a smoke run on PoCL: STAGES="tests bench"
# DIAG_N=100000 FULL_N=20000 FULL64_N=2000 bash bench/gpu-check.sh; LARGE_ARGS="0 400000 33554432" makes the large
# fit small, with a 32 MiB buffer limit). The stages run in this order: icd, profile, bench, tests, large, tune, sklearn, ttr, compare (the most wanted first);
# "profile" prints device ms per kernel and per launch-plan variant (KernelProfileCheck; PROFILE_DIAG, PROFILE_FULL,
# PROFILE_FULL64 set its shapes and variants). Default stages: icd profile bench tests large compare (sklearn, measured
# on 2026-12-04, is opt-in). Their timeouts add up to 12 minutes, but on 2026-12-04 the stages took 348 s on an H200
# without "profile" (~100 s): expect ~7.5 min, run it with timeout_s 570, and trim STAGES for a rerun. One more stage
# is opt-in: "tune" (issue 11.3, 75 s: emgmm tune's short
# search on the first GPU into $OUT/tuning.json; the user's cache is left alone, so the bench stages time the
# default plans), e.g. STAGES="icd tune" bash bench/gpu-check.sh. And "ttr" (issue 9, ~2-4 min with TTR_REPS=2, needs
# python3 with numpy and scikit-learn there): bench/sklearn/time-to-result.sh on this machine's cores — the whole
# emgmm fit process through the launcher (a CDS archive made here first, for this runtime and these paths) against
# scikit-learn's load + fit, alternately; reports in $OUT/ttr/. On 2 cores the JIT's compilations and the passes
# share the CPU (bench/results/time-to-result-profile.md); this tells what more cores give.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-$PWD/gpu-out}"
mkdir -p "$OUT"
STAGES="${STAGES:-icd profile bench tests large compare}"   # sklearn: measured 2026-12-04, opt-in
JAVA=.gpu/jre/bin/java
LOG="$OUT/gpu-check.log"
exec > >(tee -a "$LOG") 2>&1
echo "== gpu-check $(date -u +%FT%TZ) on $(hostname)"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv 2>&1 || true
echo "cores $(nproc); $(free -g 2>/dev/null | sed -n 2p)"
ls /etc/OpenCL/vendors 2>/dev/null; ls /usr/local/nvidia/lib64 /usr/local/nvidia/lib 2>/dev/null | grep -i -E "opencl|libcuda\.so" || true

find_lib() { # name, then search roots
  local name=$1; shift
  for root in "$@"; do
    [ -d "$root" ] || continue
    local f
    f=$(find "$root" -maxdepth 6 \( -name "$name" -o -name "$name.*" \) \( -type f -o -type l \) 2>/dev/null | sort | head -1)
    if [ -n "$f" ]; then echo "$f"; return 0; fi
  done
  return 1
}

if [[ " $STAGES " == *" icd "* ]]; then
  NV=$(find_lib libnvidia-opencl.so.1 /usr/local/nvidia /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local /opt)
  [ -n "$NV" ] || NV=$(timeout 30 find / -xdev -name 'libnvidia-opencl.so*' -not -path '/proc/*' 2>/dev/null | sort | head -1)
  if [ -z "$NV" ]; then echo "FAIL: libnvidia-opencl.so.1 not found"; exit 2; fi
  echo "NVIDIA OpenCL ICD: $NV"
  mkdir -p /etc/OpenCL/vendors && echo "$NV" > /etc/OpenCL/vendors/nvidia.icd || echo "cannot write /etc/OpenCL/vendors"
  export OCL_ICD_FILENAMES="$NV"         # the Khronos and ocl-icd loaders both read this too
  if [ "${GPU_ONLY:-1}" = 1 ]; then
    # the NVIDIA ICD alone: that machine also registers PoCL (/etc/OpenCL/vendors/pocl.icd), which bench --compare
    # would time in both precisions too (it outran the stage's timeout on 2026-12-04)
    mkdir -p "$OUT/vendors" && echo "$NV" > "$OUT/vendors/nvidia.icd" && export OCL_ICD_VENDORS="$OUT/vendors"
  fi
  LOADER=$(find_lib libOpenCL.so.1 /usr/local/cuda/lib64 /usr/local/cuda/targets /usr/local /opt /usr/lib/x86_64-linux-gnu /usr/lib64 \
           /usr/lib/python3/dist-packages /opt/torch)
  # else the ocl-icd loader prepare-gpu.sh copied from the build machine (69 KB, needs only libc)
  [ -n "$LOADER" ] || { [ -f .gpu/lib/libOpenCL.so.1 ] && LOADER=$PWD/.gpu/lib/libOpenCL.so.1; }
  if [ -z "$LOADER" ]; then echo "FAIL: no OpenCL ICD loader libOpenCL.so.1 found"; exit 2; fi
  echo "ICD loader: $LOADER"
  LIBDIR="$OUT/lib"; mkdir -p "$LIBDIR"
  ln -sf "$(readlink -f "$LOADER")" "$LIBDIR/libOpenCL.so.1"; ln -sf "$(readlink -f "$LOADER")" "$LIBDIR/libOpenCL.so"
  export LD_LIBRARY_PATH="$LIBDIR:$(dirname "$NV"):${LD_LIBRARY_PATH:-}"
fi

# Every JVM through the launcher (.gpu/emgmm java ...: libjsig from .gpu/jre/lib preloaded, so that the OpenCL driver
# cannot replace the JVM's signal handlers; --add-modules jdk.incubator.vector added)
export EMGMM_JAVA="$JAVA"
JAVA=.gpu/emgmm
JOPTS=(java -Xss8m)
echo "== devices"
"$JAVA" "${JOPTS[@]}" -cp .gpu/emgmm.jar org.emgmm.cli.Main devices 2>&1 | tee "$OUT/devices.txt"

if [[ " $STAGES " == *" profile "* ]]; then
  # where the device time goes: per kernel (OpenCL event profiling) and per launch-plan variant, for issue 10's
  # three shapes (about 2 minutes on an H200). Variants: default, or wgs=,tile=,apt=,scratch=,rowloop=,fused=
  # (PlanOverride).
  echo "== profile: device ms per kernel and plan variant"
  # default: the NVIDIA defaults (groups of 64) against the one-row-at-a-time accumulation (rowloop=1, unmeasured
  # on a GPU so far) and the 2026-12-04 defaults (groups of 256), so the estep fix and the layout show in one run;
  # diag also runs the fused E step + accumulation (fused=1, kernels/fused.cl, unmeasured on a GPU so far) right
  # after default, so a timeout cuts the older variants first (its plan line says " fused" when it applied)
  for spec in "${PROFILE_DIAG:-diag 16 16 100000000 5 default fused=1 fused=1,rowloop=1 rowloop=1 wgs=256 wgs=256,rowloop=1 wgs=128,rowloop=1}" \
              "${PROFILE_FULL:-full 16 16 10000000 5 default rowloop=1 wgs=128,rowloop=1 wgs=256}" \
              "${PROFILE_FULL64:-full 64 64 1000000 3 default rowloop=1 tile=32 tile=32,rowloop=1}"; do
    timeout ${PROFILE_TIMEOUT:-75} "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar:.gpu/test-classes \
        org.emgmm.backend.opencl.KernelProfileCheck $spec 2>&1 | grep -v "warning generated\|WARNING: Using incubator"
    echo "profile exit code: $?"
  done | tee "$OUT/profile.txt"
fi

if [[ " $STAGES " == *" bench "* ]]; then
  # H200: ~67 TFLOP/s fp32 (non-tensor), 4.8 TB/s HBM3e (issue 10's figures)
  PEAK="--peak-gflops ${PEAK_GFLOPS:-67000} --peak-gbs ${PEAK_GBS:-4800}"
  # -f 0: trials run in this JVM, so the generated data is made once for both backends
  JMH=(-f 0 -wi ${JMH_WI:-2} -i ${JMH_I:-3} -w 1 -r 1)   # 2 warm-ups: the CPU rows were noisy with 1 (913 +- 1953 ms)
  echo "== bench diag N=1e8 D=16 K=16 float"
  timeout 100 "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar org.emgmm.jmh.RunBenchmarks --out "$OUT/opencl-gpu-diag.md" $PEAK \
      "${JMH[@]}" -p n=${DIAG_N:-100000000} -p d=16 -p k=16 -p type=diag -p precision=float -p backend=opencl,cpu
  cat "$OUT/opencl-gpu-diag.md"
  echo "== bench full N=1e7 D=16 K=16 float"
  timeout 70 "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar org.emgmm.jmh.RunBenchmarks --out "$OUT/opencl-gpu-full.md" $PEAK \
      "${JMH[@]}" -p n=${FULL_N:-10000000} -p d=16 -p k=16 -p type=full -p precision=float -p backend=opencl,cpu
  cat "$OUT/opencl-gpu-full.md"
  echo "== bench full N=1e6 D=64 K=64 float"
  timeout 70 "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar org.emgmm.jmh.RunBenchmarks --out "$OUT/opencl-gpu-full64.md" $PEAK \
      "${JMH[@]}" -p n=${FULL64_N:-1000000} -p d=64 -p k=64 -p type=full -p precision=float -p backend=opencl,cpu
  cat "$OUT/opencl-gpu-full64.md"
fi

if [[ " $STAGES " == *" tests "* ]]; then
  echo "== tests (OpenCL required)"
  # first the plans no GPU has run yet (the fused kernel, the one-row-at-a-time accumulation), then the package
  P="int,int,org.emgmm.config.CovarianceType,org.emgmm.config.Precision"; C=org.emgmm.backend.opencl.OpenClVsCpuTest
  FIRST=(--select-method="$C#fusedPassIsBitIdenticalToTwoKernels($P)" --select-method="$C#fusedPassAgreesWithCpu($P)"
         --select-method="$C#rowLoopPassAgreesWithCpu($P)")
  [ -n "${TESTS_FIRST:-}" ] && read -r -a FIRST <<< "$TESTS_FIRST"
  EMGMM_REQUIRE_OPENCL=1 timeout 45 "$JAVA" "${JOPTS[@]}" -jar .gpu/junit-console.jar execute \
      -cp .gpu/emgmm.jar:.gpu/test-classes "${FIRST[@]}" \
      --details=verbose --disable-ansi-colors --disable-banner > "$OUT/tests-first.txt" 2>&1
  echo "new-plan tests exit code: $?"; grep -c "status: ✔" "$OUT/tests-first.txt"; grep -B4 "status: ✘" "$OUT/tests-first.txt" | head -40
  EMGMM_REQUIRE_OPENCL=1 timeout ${TESTS_TIMEOUT:-90} "$JAVA" "${JOPTS[@]}" -jar .gpu/junit-console.jar execute \
      -cp .gpu/emgmm.jar:.gpu/test-classes \
      --select-package org.emgmm.backend.opencl \
      --select-class org.emgmm.ReferenceFitTest --select-class org.emgmm.FreeEnergyMonotoneTest \
      --details=verbose --disable-ansi-colors --disable-banner --reports-dir "$OUT/junit" > "$OUT/tests.txt" 2>&1
  echo "tests exit code: $?"; grep -c "status: ✔" "$OUT/tests.txt"; grep -B4 "status: ✘" "$OUT/tests.txt" | head -40
fi

if [[ " $STAGES " == *" large "* ]]; then
  # issue 11: data larger than one allocation (NVIDIA: a quarter of the memory), resident in several buffers; the data
  # is made on the fly by 8 staging threads (about 39 GB on an H200), nothing held on the host but the staging
  echo "== fit of data larger than one allocation: D=64 K=16 diag float, 5 iterations"
  timeout 60 "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar:.gpu/test-classes \
      org.emgmm.backend.opencl.LargeDataCheck ${LARGE_ARGS:-} > "$OUT/large-fit.txt" 2>&1
  echo "large fit exit code: $? (0 ok, 1 failed, 2 the device cannot hold it resident, 124 timed out)"
  cat "$OUT/large-fit.txt"
fi

if [[ " $STAGES " == *" tune "* ]]; then
  echo "== tune diag and full, D=16 K=16, float and double, 40 s of search"
  timeout 75 "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar org.emgmm.cli.Main tune \
      --cache "$OUT/tuning.json" --budget ${TUNE_BUDGET:-40} ${TUNE_ARGS:-} > "$OUT/tune.txt" 2>&1
  echo "tune exit code: $?"; cat "$OUT/tune.txt"; cat "$OUT/tuning.json" 2>/dev/null
fi

if [[ " $STAGES " == *" sklearn "* ]] && python3 -c "import sklearn" 2>/dev/null; then
  echo "== scikit-learn diag N=1e7 D=16 K=16 (per-iteration time scales linearly in N)"
  PYTHONUNBUFFERED=1 timeout 80 python3 bench/sklearn/sklearn_bench.py --n 10000000 --d 16 --k 16 --covariance diag --iters 2 \
      > "$OUT/sklearn-diag-1e7.txt" 2>&1
  cat "$OUT/sklearn-diag-1e7.txt"
fi
if [[ " $STAGES " == *" ttr "* ]]; then
  if python3 -c "import numpy, sklearn" 2>/dev/null; then
    echo "== time to result (issue 9) on $(nproc) cores: the whole emgmm fit process against scikit-learn's load + fit"
    # the runtime's own base archive (jlink made none), then emgmm's dynamic archive, as mvn package does
    "$PWD/.gpu/jre/bin/java" -Xshare:dump > "$OUT/ttr-cds.txt" 2>&1 \
      && EMGMM_JAVA="$PWD/.gpu/jre/bin/java" timeout 90 bash bench/cds-archive.sh .gpu/emgmm.jar .gpu/emgmm.jsa \
        >> "$OUT/ttr-cds.txt" 2>&1 || echo "no CDS archive (see ttr-cds.txt): emgmm's start-up will be slower"
    mkdir -p "$OUT/ttr"
    EMGMM_JAVA="$PWD/.gpu/jre/bin/java" SKIP_BUILD=1 EMGMM_BENCH_BUILD_DIR=.gpu PY="$(command -v python3)" \
      RESULTS_DIR="$OUT/ttr" EMGMM_COMMIT="$(cat .gpu/commit 2>/dev/null)" REPS="${TTR_REPS:-2}" \
      timeout "${TTR_TIMEOUT:-300}" bash bench/sklearn/time-to-result.sh > "$OUT/ttr.txt" 2>&1
    echo "ttr exit code: $?"
    sed -n '1,/^First iteration/p' "$OUT/ttr/time-to-result.md" 2>/dev/null || tail -20 "$OUT/ttr.txt"
  else
    echo "== ttr: no numpy/scikit-learn for python3 here; skipped"
  fi
fi
if [[ " $STAGES " == *" compare "* ]]; then
  # issue 11: every backend in one command (CPU double/float, each OpenCL device in double and float), a table, JSON
  # and a chart
  echo "== bench --compare diag and full, D=16 K=16, N=1e6 and 1e7"
  timeout 60 "$JAVA" "${JOPTS[@]}" -Xmx${XMX:-64g} -cp .gpu/emgmm.jar org.emgmm.cli.Main bench --compare \
      --n 1e6,1e7 --d 16 --k 16 --covariance diag,full --iters 3 --warmup 1 --plot "$OUT/compare.png" \
      > "$OUT/compare.txt" 2>&1
  cat "$OUT/compare.txt"
fi

echo "== done $(date -u +%FT%TZ)"
