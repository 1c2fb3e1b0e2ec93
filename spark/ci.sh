#!/usr/bin/env bash
# CI for the Spark module (spark/): builds the core and installs it into the local Maven repository (the module
# depends on org.emgmm:emgmm as an artifact; the core's own build never sees Spark), then runs the module's tests
# in local[2]. Called by .ci/run after the core's steps; needs only a JDK 17 and Maven (Spark comes from Maven
# Central, about 340 MB of jars on the first run).
set -euo pipefail
cd "$(dirname "$0")/.."

mvn -B -q install -DskipTests
cd spark
mvn -B test
