#!/bin/bash
# bench/latency-by-gc.sh: SideBySide latency (Midge only; drop --only midge for the ratio) with each collector choice
# in turn, three rounds interleaved, and the broker JVMs' GC pauses from -Xlog:gc (%p keeps each JVM's log apart; OUT=dir).
# CHOICES="name=options;name=options" replaces the list below; ROUNDS="1 2 3"; JAR=path; SCENARIOS="latency idle --idle 1000"
# puts the idle RSS of each choice beside its p99.
cd "$(dirname "$0")/.." && mkdir -p "${OUT:-/tmp/latency-by-gc}"
declare -A CFG=( [serial]="" [serial-xmn4m]="-Xmn4m" [parallel]="-XX:+UseParallelGC" [g1-5ms]="-XX:+UseG1GC -XX:MaxGCPauseMillis=5" )
NAMES="serial serial-xmn4m parallel g1-5ms"
if [ -n "$CHOICES" ]; then
  CFG=(); NAMES=""
  IFS=';' read -ra PAIRS <<< "$CHOICES"
  for pair in "${PAIRS[@]}"; do CFG[${pair%%=*}]="${pair#*=}"; NAMES="$NAMES ${pair%%=*}"; done
fi
for round in ${ROUNDS:-1 2 3}; do for name in $NAMES; do
  echo "### $name round $round $(date +%T) load $(cut -d' ' -f1 /proc/loadavg)"
  timeout 300 java -cp bench/target/benchmarks.jar dev.midge.bench.sidebyside.SideBySide ${SCENARIOS:-latency} --only midge \
     --midge-jar "${JAR:-cli/target/broker.jar}" \
     --midge-jvm "${CFG[$name]} -Xlog:gc:file=${OUT:-/tmp/latency-by-gc}/$name-$round-%p.log" 2>&1 | grep -E "latency .*p99 |idle RSS "
  for f in ${OUT:-/tmp/latency-by-gc}/$name-$round-*.log; do
    grep -o "Pause.*ms$" $f | grep -o "[0-9.]*ms$" | tr -d ms | sort -n | awk -v f=$(basename $f) '{a[NR]=$1; s+=$1} END{if(NR>0)printf "  GC %s: %d pauses, sum %.1f ms, median %.2f, max %.2f ms\n", f, NR, s, a[int((NR+1)/2)], a[NR]}'
  done
done; done
