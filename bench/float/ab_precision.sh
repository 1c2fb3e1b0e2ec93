#!/bin/bash
# usage: bench/float/ab_precision.sh REPS [COVS] [LO HI] -- float against double in the same session (issue 12.2):
# per repetition and covariance type (full N=2e5, diag N=1e6, D=16, K=16, seed 0), alternating float and double
# processes of the launcher target/emgmm, each run twice, with LO and with HI timed iterations (warm-up 4): the
# per-iteration CPU time is (task-clock(HI) - task-clock(LO)) / (HI - LO), which start-up, data generation and
# warm-up cancel out of and which load on the shared machine moves much less than wall time; the wall median/min
# per iteration of the HI run are printed too. One line per process pair, then uptime. Run from the repository root
# after mvn -B -q package -DskipTests.
REPS=${1:-3}; COVS=${2:-full diag}; LO=${3:-4}; HI=${4:-24}
one() { # cov n precision iters -> "cpu_ms json"
  perf stat -x, -e task-clock -o /tmp/abp.$$.perf target/emgmm bench --backend cpu --covariance $1 --n $2 --d 16 \
    --k 16 --precision $3 --iters $4 --warmup 4 --json 2>/dev/null | tail -1 > /tmp/abp.$$.json
  echo "$(grep task-clock /tmp/abp.$$.perf | cut -d, -f1) $(cat /tmp/abp.$$.json)"
}
for r in $(seq 1 $REPS); do
  for cov in $COVS; do
    n=200000; [ $cov = diag ] && n=1000000
    for p in float double; do
      lo=$(one $cov $n $p $LO); hi=$(one $cov $n $p $HI)
      /usr/bin/python3 -c '
import json,sys
lo,hi=sys.argv[1].split(" ",1),sys.argv[2].split(" ",1)
j=json.loads(hi[1]); per=(float(hi[0])-float(lo[0]))/(int(sys.argv[4])-int(sys.argv[3]))
print("rep=%s cov=%s %s cpu_ms_per_iter=%.1f wall_median=%.1f wall_min=%.1f lb=%r" % (sys.argv[5], sys.argv[6],
      sys.argv[7], per, j["ms_per_iter"], j["ms_min"], j["lower_bound"]))' "$lo" "$hi" $LO $HI $r $cov $p
    done
  done
  echo "  $(uptime)"
done
