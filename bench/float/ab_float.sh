#!/bin/bash
# usage: ab_float.sh REPS NEWJAR TAG [ITERS] [COVS] -- in a folder holding base.jar (built from the base commit with
# mvn -DbuildDir=...) and NEWJAR: alternates them (float, CPU), full n=2e5 and diag n=1e6, d=16 k=16; appends the
# JSON median/min ms per iteration and the process CPU time (perf task-clock) to results.txt
REPS=$1; NEW=$2; TAG=$3; IT=${4:-5}; COVS=${5:-full diag}
cd "${BENCH_DIR:-.}"
for r in $(seq 1 $REPS); do
  for cov in $COVS; do
    n=200000; [ $cov = diag ] && n=1000000
    for which in base new; do
      jar=base.jar; [ $which = new ] && jar=$NEW
      perf stat -x, -e task-clock -o perf.tmp java --add-modules jdk.incubator.vector -jar $jar bench --backend cpu --n $n --d 16 --k 16 --covariance $cov --precision float --iters $IT --warmup 5 --json 2>/dev/null | tail -1 > json.tmp
      cpu=$(grep task-clock perf.tmp | cut -d, -f1)
      echo "$TAG rep=$r cov=$cov $which cpu_ms=${cpu%.*} $(/usr/bin/python3 -c 'import json,sys; j=json.load(open("json.tmp")); print("median=%.1f min=%.1f lb=%.12f ms=%s" % (j["ms_per_iter"], j["ms_min"], j["lower_bound"], [round(x) for x in j["ms"]]))')" >> results.txt
    done
  done
done
echo "$TAG finished" >> results.txt
