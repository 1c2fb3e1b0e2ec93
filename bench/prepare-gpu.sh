#!/usr/bin/env bash
# Prepares .gpu/ (ignored by git) for bench/gpu-check.sh on a GPU machine that has no JDK:
#   .gpu/jre/                 a jlink'ed Java runtime (the modules emgmm, JOCL, Jackson, JUnit and JMH need)
#   .gpu/emgmm                the launcher (src/main/dist/emgmm; EMGMM_JAVA=.gpu/jre/bin/java) and its JIT
#                             directives emgmm-jit.json (as in the distribution; the CDS archive is made there, by
#                             gpu-check.sh's "ttr" stage: it belongs to that machine's paths)
#   .gpu/commit               the commit it was built from (the GPU machine's copy has no .git)
#   .gpu/emgmm.jar            the shaded jar built with the `bench` profile (includes the JMH benchmarks and JMH)
#   .gpu/test-classes/        the compiled tests and their resources
#   .gpu/junit-console.jar    JUnit's console launcher (junit-platform-console-standalone)
#   .gpu/lib/libOpenCL.so.1   this machine's ICD loader (ocl-icd), used there only when the machine has none
# Run here (needs JDK 17 with jlink, Maven): bench/prepare-gpu.sh   then carry .gpu to the GPU machine.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=target-gpu
JUNIT_PLATFORM=1.14.1   # the platform version that goes with junit-jupiter 5.14.1 in pom.xml
mvn -B -q -Pbench -DbuildDir="$BUILD" -DskipTests package
mvn -B -q dependency:copy -Dartifact=org.junit.platform:junit-platform-console-standalone:$JUNIT_PLATFORM \
    -DoutputDirectory="$BUILD/junit"
rm -rf .gpu
mkdir -p .gpu
jlink --add-modules java.base,java.logging,java.sql,java.management,java.xml,java.naming,jdk.unsupported,jdk.incubator.vector,jdk.management,jdk.zipfs \
      --strip-debug --no-header-files --no-man-pages --compress=2 --output .gpu/jre
cp "$BUILD/emgmm.jar" .gpu/emgmm.jar
cp src/main/dist/emgmm .gpu/emgmm && chmod 755 .gpu/emgmm   # the launcher: libjsig from .gpu/jre/lib preloaded
cp src/main/dist/emgmm-jit.json .gpu/emgmm-jit.json
echo "$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo '+changes')" > .gpu/commit
test -f .gpu/jre/lib/libjsig.so || { echo "jlink dropped lib/libjsig.so" >&2; exit 1; }
cp -r "$BUILD/test-classes" .gpu/test-classes
cp "$BUILD/junit/junit-platform-console-standalone-$JUNIT_PLATFORM.jar" .gpu/junit-console.jar
cp bench/gpu-check.sh .gpu/
# An ICD loader in case the GPU machine has none (ocl-icd's libOpenCL.so.1 needs only libc); gpu-check.sh prefers
# the machine's own (CUDA ships one)
mkdir -p .gpu/lib
for f in /usr/lib/x86_64-linux-gnu/libOpenCL.so.1 /usr/lib64/libOpenCL.so.1; do
  if [ -e "$f" ]; then cp -L "$f" .gpu/lib/libOpenCL.so.1; break; fi
done
du -sh .gpu .gpu/*
echo "prepared .gpu/ (carry it: run(carry=[\".gpu\"], command=\"bash bench/gpu-check.sh\"))"
