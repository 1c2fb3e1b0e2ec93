#!/usr/bin/env bash
# Runs the JMH EM-iteration benchmarks (GPU/OpenCL vs CPU) and writes a results file.
#   bench/run-jmh.sh [--out bench/results/FILE.md] [--peak-gflops X --peak-gbs Y] [JMH options, e.g. -p n=1000000 -p backend=opencl]
# Builds with the `bench` Maven profile into target-jmh/ (needs a JDK 17 and Maven), then runs
# org.emgmm.jmh.RunBenchmarks, which writes FILE.md (times, flops, bytes, rates, fraction of the limit, speed-ups)
# and FILE.json (JMH's raw results).
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -q -Pbench -DbuildDir=target-jmh -DskipTests compile dependency:build-classpath \
    -Dmdep.outputFile=target-jmh/cp.txt
# through the launcher (src/main/dist/emgmm java ...): libjsig preloaded, so that the OpenCL runtime (PoCL's LLVM)
# cannot replace the JVM's signal handlers and kill the CPU benchmark that runs after the OpenCL one
exec src/main/dist/emgmm java -Xss8m -cp "target-jmh/classes:$(cat target-jmh/cp.txt)" \
    org.emgmm.jmh.RunBenchmarks "$@"
