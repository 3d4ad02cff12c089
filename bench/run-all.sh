#!/bin/sh
# Runs every benchmark once (about 10 minutes) and keeps the output in bench/target/results-*.txt.
# Build first: mvn -B -o -q -f bench/pom.xml package (and cli/target/broker.jar for the real jar).
set -eu
cd "$(dirname "$0")/.."
out=bench/target/results-$(date -u +%Y%m%dT%H%M%SZ).txt
jar=bench/target/benchmarks.jar
midge_jar=""
if [ -f cli/target/broker.jar ]; then
  # A copy: a rebuild of cli/ during the run must not swap the jar under a running broker.
  cp cli/target/broker.jar bench/target/broker-under-test.jar
  midge_jar="--midge-jar bench/target/broker-under-test.jar"
fi
{
  echo "# $(date -u) on $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2), load: $(cut -d' ' -f1-3 /proc/loadavg)"
  # 10,000 idle connections need about 10,100 descriptors in each process (ulimit -n).
  java -cp $jar dev.midge.bench.sidebyside.SideBySide all --seconds 5 --warmup 3 --idle 1000,5000,10000 $midge_jar
  # The same handshakes with Midge on JDK 25 (its elliptic-curve code is faster than 17's), if installed.
  jdk25=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -1 || true)
  if [ -n "$jdk25" ]; then
    java -cp $jar dev.midge.bench.sidebyside.SideBySide handshakes --seconds 5 $midge_jar --midge-java "$jdk25"
  fi
  java -Xmx2g -cp $jar dev.midge.bench.AclFootprint
  java -jar $jar 'AclCheck|TopicMatch|PublishCodec' -wi 2 -w 2 -i 3 -r 2
  java -cp $jar dev.midge.bench.persistence.PersistenceBench
  echo "# done $(date -u), load: $(cut -d' ' -f1-3 /proc/loadavg)"
} 2>&1 | tee "$out"
