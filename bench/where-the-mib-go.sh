#!/bin/bash
# Where an idle broker.jar's memory goes, by process (launcher, broker JVM) and mapping, plus the broker
# JVM's NMT summary, live heap and threads. BENCHMARKS.md, "Memory and latency: where the MiB go".
#   bench/where-the-mib-go.sh JAR CONF [SETTLE_SECONDS, default 20] [extra JVM options...]
# The extra options reach both JVMs (as a user's would); -XX:NativeMemoryTracking=summary is added.
# A new set of JVM options names a new class-data archive: run twice, the second run maps it.
set -euo pipefail
JAR=$1 CONF=$2 SETTLE=${3:-20}; shift 2; [ $# -gt 0 ] && shift
LOG=$(mktemp)
java -XX:NativeMemoryTracking=summary "$@" -jar "$JAR" -c "$CONF" >"$LOG" 2>&1 &
LAUNCHER=$!
trap 'kill $LAUNCHER 2>/dev/null; wait $LAUNCHER 2>/dev/null; rm -f "$LOG"' EXIT
for _ in $(seq 1 600); do grep -q "running" "$LOG" && break; sleep 0.1; done
BROKER=$(pgrep -P $LAUNCHER java || true)
# A sampling interval: the broker gives back start-up's JIT arenas and garbage over its first seconds.
sleep "$SETTLE"
by_mapping() {
    python3 - "$1" <<'PY'
import sys, re, collections
kinds = collections.Counter()
kind = None
for line in open(f"/proc/{sys.argv[1]}/smaps"):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        parts = line.split()
        name = parts[5] if len(parts) > 5 else ""
        kind = ("class-data archive (.jsa)" if name.endswith(".jsa") else "libjvm.so" if "libjvm" in name
                else "other .so" if ".so" in name else "jar / modules" if name.endswith((".jar", "modules"))
                else "anonymous" if not name or name == "[heap]" else "other")
    elif line.startswith("Rss:"):
        kinds[kind] += int(line.split()[1])
for k, v in kinds.most_common():
    print(f"  {v / 1024:6.1f} MiB  {k}")
PY
    awk '/^Rss:/{r=$2} /^Pss:/{p=$2} END{printf "  RSS %.1f MiB, PSS %.1f MiB\n", r/1024, p/1024}' /proc/$1/smaps_rollup
    echo "  threads: $(ls /proc/$1/task | wc -l)"
}
echo "launcher (pid $LAUNCHER):"; by_mapping $LAUNCHER
[ -z "$BROKER" ] && { echo "no re-launched broker JVM (MIDGE_NO_RELAUNCH?)"; BROKER=$LAUNCHER; }
echo "broker JVM (pid $BROKER):"; by_mapping $BROKER
echo "broker JVM, NMT committed (KiB):"
jcmd $BROKER VM.native_memory summary | grep -E "^-|^Total" | sed -E 's/reserved=[0-9]+KB, //' | grep -vE "=[0-9]{1,2}KB"
jcmd $BROKER GC.run >/dev/null
echo "broker JVM, heap after a full collection:"; jcmd $BROKER GC.heap_info | tail -n +2
echo "broker JVM, threads:"; jcmd $BROKER Thread.print | grep -o '^"[^"]*"' | tr '\n' ' '; echo
