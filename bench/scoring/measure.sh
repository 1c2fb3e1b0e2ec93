#!/bin/bash
# Times what follows a fit, and predict/score, against EM iterations of the same data in the same run.
# usage: bench/scoring/measure.sh DATA.f32 [DIMS=16] [K=16] [PRECISION=float]   (build first: mvn -B -q package -DskipTests)
# Prints: (1) fit --max-iter 3 with summary and --output: each stderr line time-stamped, and the process's end, so
# the time after the fit's last iteration is read off; (2) the same with --quiet (no summary); (3) emgmm score and
# emgmm predict --output of the same file (processes); (4) ScoreTiming: EM iteration vs scoring passes in one JVM.
set -u
data=$1; dims=${2:-16}; k=${3:-16}; prec=${4:-float}
root=$(cd "$(dirname "$0")/../.." && pwd)
emgmm=(java --add-modules jdk.incubator.vector -jar "$root/target/emgmm.jar")
work=$(mktemp -d)
stamp() { while IFS= read -r l; do printf '%.3f %s\n' "$(date +%s.%N)" "$l"; done; }
echo "== $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/') data=$data dims=$dims k=$k precision=$prec"
for mode in summary quiet; do
  extra=(); [ "$mode" = quiet ] && extra=(--quiet)
  t0=$(date +%s.%N)
  "${emgmm[@]}" fit --input "$data" --dims "$dims" --k "$k" --covariance diag --precision "$prec" --max-iter 3 \
      --tol 0 --output "$work/m.json" "${extra[@]}" 2> >(stamp > "$work/err.$mode") > "$work/out.$mode"
  t1=$(date +%s.%N); sleep 1
  if [ "$mode" = quiet ]; then
    echo "-- fit ($mode): process $(echo "$t1 - $t0" | bc) s"
  else
    last=$(grep "iterations, lower bound" "$work/err.$mode" | tail -1 | cut -d' ' -f1)
    echo "-- fit ($mode): process $(echo "$t1 - $t0" | bc) s; after the last iteration: $(echo "$t1 - $last" | bc) s"
  fi
  sed "s/^[0-9.]* //" "$work/err.$mode" | grep "iter " | sed 's/^/   /'
  grep -E "^(BIC|AIC|wall time)" "$work/out.$mode" | sed 's/^/   /'
done
for cmd in "score" "predict --output $work/labels.txt"; do
  t0=$(date +%s.%N)
  "${emgmm[@]}" $cmd --model "$work/m.json" --input "$data" --dims "$dims" --precision "$prec" > "$work/cmd.out" 2>/dev/null
  t1=$(date +%s.%N)
  echo "-- emgmm ${cmd%% *}: process $(echo "$t1 - $t0" | bc) s; prints $(head -c 40 "$work/cmd.out")"
done
java --add-modules jdk.incubator.vector -cp "$root/target/emgmm.jar" "$root/bench/scoring/ScoreTiming.java" \
    "$data" "$dims" "$work/m.json" "$prec" 3 2>/dev/null | sed 's/^/   /'
echo "== end $(date -u +%FT%TZ) $(uptime | sed 's/.*load/load/')"
rm -rf "$work"
