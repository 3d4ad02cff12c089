#!/bin/bash
# bench/pipe-by-jit.sh: SideBySide pipe (Midge only) with JIT choices in turn, rounds interleaved: how much of a fresh
# broker's cost per message is JIT warm-up (fresh against warm CPU per message, /proc/PID/stat of the broker's processes).
cd "$(dirname "$0")/.."
declare -A CFG=( [default]="" [c1-only]="-XX:TieredStopAtLevel=1" [compile-sooner]="-XX:CompileThresholdScaling=0.1" )
for round in ${ROUNDS:-1 2}; do for name in default c1-only compile-sooner; do
  echo "### $name round $round $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  timeout 400 java -cp bench/target/benchmarks.jar dev.midge.bench.sidebyside.SideBySide pipe --only midge \
      --midge-jar cli/target/broker.jar ${CFG[$name]:+--midge-jvm "${CFG[$name]}"} 2>&1 | grep -E "^    Midge: fresh"
done; done
