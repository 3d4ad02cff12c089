#!/bin/bash
# Idle settled RSS/PSS of broker.jar variants, A/B interleaved: BENCHMARKS.md "Idle and fan-in RSS (h-mem)".
#   bench/idle-rss-ab.sh ROUNDS CONF PORT name=JAR[:opt1,opt2] ...   (opts: the user's JVM options, reaching both JVMs)
# Prints per run: launcher and broker JVM RSS and PSS (MiB), the broker's anonymous MiB and threads, and the
# summed RSS once settled (no new low for 5 s, as SideBySide's SettledRss).
# Each variant first runs once unmeasured (records its class-data archive), then ROUNDS interleaved.
ROUNDS=$1 CONF=$2 PORT=$3; shift 3
run() { # name jar opts -> prints "name L_rss L_pss B_rss B_pss B_anon"
  local name=$1 jar=$2 opts=$3 LOG; LOG=$(mktemp)
  java ${opts//,/ } -jar "$jar" -c "$CONF" >"$LOG" 2>&1 &
  local L=$!
  for _ in $(seq 1 600); do ss -ltn | grep -q ":$PORT " && break; sleep 0.1; done
  local B; B=$(pgrep -P $L java || echo $L)
  # settled: no new low of the summed RSS for 5 s (10 polls), at most 45 s (a sampling interval, not a wait)
  local low=999999999 quiet=0 t=0
  while [ $quiet -lt 10 ] && [ $t -lt 90 ]; do
    sleep 0.5; t=$((t+1))
    local now=$(( $(awk '/^Rss:/{print $2}' /proc/$L/smaps_rollup) + ( B==L ? 0 : $(awk '/^Rss:/{print $2}' /proc/$B/smaps_rollup) ) ))
    if [ $now -lt $((low-256)) ]; then low=$now; quiet=0; else [ $now -lt $low ] && low=$now; quiet=$((quiet+1)); fi
  done
  get() { awk -v k="$2" '$1==k":"{printf "%.1f", $2/1024}' /proc/$1/smaps_rollup; }
  if [ $B = $L ]; then echo "$name L_rss=0 L_pss=0 B_rss=$(get $B Rss) B_pss=$(get $B Pss) B_anon=$(get $B Anonymous) B_thr=$(ls /proc/$B/task|wc -l) sum=$(echo $low | awk '{printf "%.1f",$1/1024}')";
  else echo "$name L_rss=$(get $L Rss) L_pss=$(get $L Pss) B_rss=$(get $B Rss) B_pss=$(get $B Pss) B_anon=$(get $B Anonymous) B_thr=$(ls /proc/$B/task|wc -l) sum=$(echo $low | awk '{printf "%.1f",$1/1024}')"; fi
  kill $L; wait $L 2>/dev/null
  if grep -qiE "exception|error" $LOG; then grep -iE "exception|error" $LOG | head -3; fi
  rm -f $LOG
}
for v in "$@"; do n=${v%%=*}; r=${v#*=}; j=${r%%:*}; o=""; [[ $r == *:* ]] && o=${r#*:}; run "$n" "$j" "$o" >/dev/null; done
for i in $(seq 1 $ROUNDS); do
  echo "# round $i load $(cut -d' ' -f1-3 /proc/loadavg)"
  for v in "$@"; do n=${v%%=*}; r=${v#*=}; j=${r%%:*}; o=""; [[ $r == *:* ]] && o=${r#*:}; run "$n" "$j" "$o"; done
done
