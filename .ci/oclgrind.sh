#!/usr/bin/env bash
# CI leg of issue 10: the OpenCL kernels under Oclgrind (a simulated OpenCL device that checks every access), with
# its API checks (OCLGRIND_CHECK_API=1) and data-race detection (OCLGRIND_DATA_RACES=1). Runs small fits of every
# covariance type x precision, D=16 K=16 on three plans and
# the fused kernel for diag/spherical x precision (org.emgmm.backend.opencl.OclgrindFits), then fails on
# any Oclgrind diagnostic (or a failed fit). Self-contained: installs Oclgrind when missing (Debian), compiles the
# tests when needed. Called from .ci/run; about 2-4 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
ICD=/usr/lib/oclgrind/liboclgrind-rt-icd.so
if [ ! -f "$ICD" ]; then
  $SUDO apt-get install -y -q --no-install-recommends oclgrind
fi
[ -f target/test-classes/org/emgmm/backend/opencl/OclgrindFits.class ] || mvn -B -q test-compile
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mvn -B -q dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt" >/dev/null
echo "$ICD" > "$WORK/oclgrind.icd"
JSIG=$(dirname "$(readlink -f "$(command -v java)")")/../lib/libjsig.so
[ -f "$JSIG" ] && export LD_PRELOAD="$JSIG"
set +e
OCL_ICD_VENDORS="$WORK" OCL_ICD_FILENAMES= OCLGRIND_CHECK_API=1 OCLGRIND_DATA_RACES=1 \
  timeout 600 java --add-modules jdk.incubator.vector -cp "target/classes:target/test-classes:$(cat "$WORK/cp.txt")" \
  org.emgmm.backend.opencl.OclgrindFits > "$WORK/out.txt" 2> "$WORK/err.txt"
rc=$?
set -e
cat "$WORK/out.txt"
# Oclgrind reports to stderr: "Invalid read/write ...", "... data race ...", "Oclgrind - OpenCL runtime error
# detected", "Uninitialized ...", "Work-group divergence ...", "Oclgrind: ..." warnings; anything from it fails.
# (the compiler's "N warnings generated." summary lines of a build log are not diagnostics of the kernels' execution)
grep -v -E "^WARNING: Using incubator modules|signal chaining|^OpenJDK .*warning|^[0-9]+ warnings? generated\.$|^\s*$" \
  "$WORK/err.txt" > "$WORK/diag.txt" || true
fits=$(grep -c "^fit " "$WORK/out.txt" || true)
if [ "$rc" -ne 0 ] || [ -s "$WORK/diag.txt" ] || [ "$fits" -ne 24 ]; then
  echo "FAIL: Oclgrind leg (exit $rc, $fits of 24 fits); stderr:" >&2
  cat "$WORK/diag.txt" >&2
  exit 1
fi
echo "OK: 24 OpenCL fits under Oclgrind (API checks, data races), no diagnostics"
