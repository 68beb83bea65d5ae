#!/usr/bin/env bash
# The delivery promise under a real crash: a digest run for N subscribers (default 20,000) to a
# local SMTP sink is killed with SIGKILL mid-run, the service is started again, and the run must
# finish with every subscriber sent exactly one digest, except deliveries the service itself
# reports as 'uncertain' (at most the messages in flight when it died).
#
#   scripts/crash-test.sh [subscribers]
#   PROCESSES=2 scripts/crash-test.sh   # a second service process shares the data directory and keeps
#                                        # sending while the first is killed and restarted
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
WORK=$(mktemp -d)
PORT=5099
PROCESSES=${PROCESSES:-1}
SINK_PORT=2599
KEY=crash-test-admin-key-0123456789
LOG="$WORK/sink.log"
trap 'kill $(jobs -p) 2>/dev/null || true; [ "${KEEP:-}" = 1 ] && echo "kept $WORK" || rm -rf "$WORK"' EXIT

dotnet build src/Newsletter -c Release -o "$WORK/bin" >/dev/null
python3 -W ignore scripts/smtp-counting-sink.py $SINK_PORT "$LOG" &

run_service() {
  local port=${1:-$PORT}
  Newsletter__DataDirectory="$WORK/data" Admin__ApiKey=$KEY ASPNETCORE_URLS=http://127.0.0.1:$port \
  Smtp__Host=127.0.0.1 Smtp__Port=$SINK_PORT Smtp__Security=None Smtp__From='Digest <digest@crash.test>' \
  Delivery__SendingTimeout=00:00:05 Delivery__BatchLease=00:00:05 Hangfire__SchedulePollingInterval=00:00:01 \
  Logging__LogLevel__Default=Warning dotnet "$WORK/bin/Newsletter.dll" >>"$WORK/service.log" 2>&1 &
  LAST=$!
  for _ in $(seq 1 60); do curl -sf http://127.0.0.1:$port/api/topics >/dev/null && return; sleep 0.5; done
  echo "service did not start"; cat "$WORK/service.log"; exit 1
}

status() { curl -sf -H "X-Api-Key: $KEY" http://127.0.0.1:$PORT/api/digests/1; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$2"; }

run_service; SERVICE=$LAST
# Subscribers straight into the database (the lifecycle is tested elsewhere), and three entries.
python3 - "$WORK/data/newsletter.db" "$N" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1]); n = int(sys.argv[2])
db.executemany("INSERT INTO subscribers (email, status, created_at, updated_at, confirmed_at) VALUES (?, 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
               [(f"s{i}@crash.test",) for i in range(n)])
db.commit()
PY
curl -sf -H "X-Api-Key: $KEY" -H 'content-type: application/json' http://127.0.0.1:$PORT/api/entries \
  -d '[{"id":"c-1","title":"Crash-safe delivery","upvotes":3},{"id":"c-2","title":"Exactly once","upvotes":2},{"id":"c-3","title":"Ledgers","upvotes":1}]' >/dev/null
if [ "$PROCESSES" = 2 ]; then run_service $((PORT - 1)); OTHER=$LAST; echo "second process on port $((PORT - 1))"; fi
curl -sf -H "X-Api-Key: $KEY" -H 'content-type: application/json' http://127.0.0.1:$PORT/api/digests -d '{"force":true}' >/dev/null

# Kill it once about a quarter of the run has gone out.
while [ "$(wc -l < "$LOG")" -lt $((N / 4)) ]; do sleep 0.2; done
kill -9 $SERVICE; wait $SERVICE 2>/dev/null || true
echo "killed with SIGKILL after $(wc -l < "$LOG") messages"

run_service; SERVICE=$LAST
for _ in $(seq 1 600); do
  S=$(status); [ "$(field status "$S")" = completed ] && break; sleep 1
done
S=$(status); echo "run after restart: $S"
kill $SERVICE; wait $SERVICE 2>/dev/null || true
if [ "$PROCESSES" = 2 ]; then kill $OTHER; wait $OTHER 2>/dev/null || true; fi

python3 - "$LOG" "$N" "$S" <<'PY'
import collections, json, sys
counts = collections.Counter(l.strip() for l in open(sys.argv[1]) if l.strip())
n, run = int(sys.argv[2]), json.loads(sys.argv[3])
missing = [f"s{i}@crash.test" for i in range(n) if counts[f"s{i}@crash.test"] == 0]
twice = [a for a, c in counts.items() if c > 1]
print(f"subscribers {n}, messages {sum(counts.values())}, missing {len(missing)}, twice {len(twice)}, uncertain {run['uncertain']}, sent {run['sent']}")
ok = run["status"] == "completed" and len(twice) == 0 and len(missing) <= run["uncertain"] and run["sent"] + run["uncertain"] == n
print("PASS" if ok else "FAIL")
if not ok:
    import sqlite3, os
    db = sqlite3.connect(os.path.join(os.path.dirname(sys.argv[1]), "data", "newsletter.db"))
    for row in db.execute("SELECT state, last_error, COUNT(*) FROM deliveries GROUP BY state, last_error"):
        print("  deliveries:", row)
sys.exit(0 if ok else 1)
PY
