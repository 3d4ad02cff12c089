#!/bin/bash
# bench/pipe-by-jit.sh: SideBySide pipe (Midge only) with JIT choices in turn, rounds interleaved: how much of a fresh
# broker's cost per message is JIT warm-up (fresh against warm CPU per message, /proc/PID/stat of the broker's processes).
# CHOICES="name=options;name=options" replaces the list below; ROUNDS="1 2 3"; JAR=path (default cli/target/broker.jar).
cd "$(dirname "$0")/.."
declare -A CFG=( [default]="" [c1-only]="-XX:TieredStopAtLevel=1" [compile-sooner]="-XX:CompileThresholdScaling=0.1" )
NAMES="default c1-only compile-sooner"
if [ -n "$CHOICES" ]; then
  CFG=(); NAMES=""
  IFS=';' read -ra PAIRS <<< "$CHOICES"
  for pair in "${PAIRS[@]}"; do CFG[${pair%%=*}]="${pair#*=}"; NAMES="$NAMES ${pair%%=*}"; done
fi
for round in ${ROUNDS:-1 2}; do for name in $NAMES; do
  echo "### $name round $round $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  timeout 400 java -cp bench/target/benchmarks.jar dev.midge.bench.sidebyside.SideBySide pipe --only midge \
      --midge-jar "${JAR:-cli/target/broker.jar}" ${CFG[$name]:+--midge-jvm "${CFG[$name]}"} 2>&1 | grep -E "^    Midge: fresh"
done; done
