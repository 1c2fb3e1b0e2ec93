#!/usr/bin/env bash
# Model selection, the whole `emgmm select` process against scikit-learn's loop over the same candidates (issue 16).
#
#   bench/select/compare.sh              # case 1e5 x 8, K = 1..8 x {full, tied, diag, spherical}, REPS=3
#   LARGE=1 bench/select/compare.sh      # also 1e6 x 16, K = 1..16 x {full, diag} (scikit-learn takes minutes)
#   REPS=1 CASES=large MD=bench/results/select-large.md bench/select/compare.sh   # the large case alone, own table
#   SIDES=emgmm ...                    # one side only (emgmm or sklearn), e.g. emgmm again after a change
#
# Data: make_blobs(N, D, centers=5, random_state=0), float64 .npy (bench/select/select_bench.py data).
# emgmm: the launcher the build makes (target-bench/emgmm: Vector API module, libjsig), as a user runs it,
#     emgmm select --input x.npy --k KS --covariance TYPES --seed 0 --quiet --output m.json
#   timed from outside (fork to exit, JVM start-up and JIT included); user+sys CPU seconds beside it.
# scikit-learn: select_bench.py sklearn: np.load, then GaussianMixture(k, covariance_type=t, random_state=0).fit(X)
#   and .bic(X) per candidate, timed inside the process (Python start-up and imports NOT charged to it), with
#   OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset for its command alone (this machine's environment sets them).
# The two alternate, REPS times per case; the 1-minute load average before each run is recorded (2-core machine
# shared with other work: read the ratios beside it). Ratio = scikit-learn's loop seconds / emgmm's process seconds.
# Writes bench/results/select.jsonl (raw, appended) and the table of this run to $MD (default bench/results/select.md,
# overwritten).
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD="${EMGMM_BENCH_BUILD_DIR:-target-bench}"
REPS="${REPS:-3}"
CASES="${CASES:-small${LARGE:+ large}}"
SIDES="${SIDES:-emgmm sklearn}"
PY=/usr/bin/python3
SKL=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE "$PY" bench/select/select_bench.py sklearn)
OUT=bench/results
mkdir -p "$OUT"
RAW="$OUT/select.jsonl"
MD="${MD:-$OUT/select.md}"
NEW="$RAW.$$.new"   # this run's lines (appended to $RAW at the end)
: > "$NEW"

if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q -o -DbuildDir="$BUILD" package -Dmaven.test.skip=true
fi
EMGMM="$BUILD/emgmm"
DATA="$BUILD/select-data"
mkdir -p "$DATA"

case_args() {  # name -> N D KS TYPES
  case "$1" in
    small) echo "100000 8 1..8 all" ;;
    large) echo "1000000 16 1..16 full,diag" ;;
    *) echo "unknown case $1" >&2; exit 2 ;;
  esac
}
load1() { cut -d' ' -f1 /proc/loadavg; }
now() { date +%s.%N; }

for c in $CASES; do
  read -r N D KS TYPES <<< "$(case_args "$c")"
  X="$DATA/$c.npy"
  [ -s "$X" ] || "$PY" bench/select/select_bench.py data --n "$N" --d "$D" --centers 5 --seed 0 --out "$X"
  ncand=$("$PY" -c "import sys; sys.path.insert(0,'bench/select'); import select_bench as s; \
print(len(s.parse_ks('$KS')) * (4 if '$TYPES' == 'all' else len('$TYPES'.split(','))))")
  for r in $(seq "$REPS"); do
    if [[ " $SIDES " == *" emgmm "* ]]; then
    L=$(load1)
    t0=$(now)
    /usr/bin/time -f "%U %S" -o "$DATA/time" "$EMGMM" select --input "$X" --k "$KS" --covariance "$TYPES" \
        --seed 0 --quiet --output "$DATA/m.json" 2>"$DATA/err" || { cat "$DATA/err" >&2; exit 1; }
    t1=$(now)
    "$PY" - "$c" "$ncand" "$t0" "$t1" "$DATA/time" "$DATA/m.json" "$L" >> "$NEW" <<'PYEOF'
import json, sys
c, n, t0, t1, tm, model, load = sys.argv[1:8]
u, s = open(tm).read().split()[-2:]
m = json.load(open(model))
print(json.dumps({"case": c, "who": "emgmm", "candidates": int(n), "s": float(t1) - float(t0),
                  "cpu_s": float(u) + float(s), "best_k": m["n_components"], "best_type": m["covariance_type"],
                  "load": float(load)}))
PYEOF
    fi
    if [[ " $SIDES " == *" sklearn "* ]]; then
    L=$(load1)
    "${SKL[@]}" --input "$X" --k "$KS" --covariance "$TYPES" > "$DATA/sk.json"
    "$PY" - "$c" "$ncand" "$DATA/sk.json" "$L" >> "$NEW" <<'PYEOF'
import json, sys
c, n, f, load = sys.argv[1:5]
r = json.load(open(f))
r.update({"case": c, "who": "sklearn", "candidates": int(n), "load": float(load)})
print(json.dumps(r))
PYEOF
    fi
    tail -2 "$NEW" | cut -c1-160
  done
done
cat "$NEW" >> "$RAW"
HEADER="# emgmm select vs scikit-learn's loop\\n\\n$(date -u +%Y-%m-%d), $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), shared machine; bench/select/compare.sh (REPS=$REPS, cases: $CASES). Ratio = scikit-learn loop s / emgmm whole-process s.\\n\\n"
"$PY" bench/select/select_bench.py report "$NEW" --md "$MD" --header "$HEADER"
rm -f "$NEW"
