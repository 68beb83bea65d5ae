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
# The scheduler may have started a run of its own meanwhile; let every run finish.
for _ in $(seq 1 300); do
  [ "$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(\"SELECT COUNT(*) FROM digest_runs WHERE status IN ('queued','running')\").fetchone()[0])" "$WORK/data/newsletter.db")" = 0 ] && break
  sleep 1
done
kill $SERVICE; wait $SERVICE 2>/dev/null || true
if [ "$PROCESSES" = 2 ]; then kill $OTHER; wait $OTHER 2>/dev/null || true; fi

python3 - "$LOG" "$N" "$WORK/data/newsletter.db" <<'PY'
import collections, sqlite3, sys
# The scheduler may start its own run while the forced one is under way: the promise is about each
# subscriber across all runs, so count per subscriber, from the sink and from the delivery rows.
counts = collections.Counter(l.strip() for l in open(sys.argv[1]) if l.strip())
n, db = int(sys.argv[2]), sqlite3.connect(sys.argv[3])
unfinished = db.execute("SELECT COUNT(*) FROM digest_runs WHERE status NOT IN ('completed')").fetchone()[0]
final = dict(db.execute("SELECT s.email, GROUP_CONCAT(d.state) FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.state IN ('sent', 'uncertain') GROUP BY s.email"))
uncertain = {e for e, states in final.items() if "uncertain" in states}
missing = [f"s{i}@crash.test" for i in range(n) if counts[f"s{i}@crash.test"] == 0]
twice = [a for a, c in counts.items() if c > 1]
one_final_each = len(final) == n and all("," not in states for states in final.values())
print(f"subscribers {n}, messages {sum(counts.values())}, missing {len(missing)}, twice {len(twice)}, uncertain {len(uncertain)}, unfinished runs {unfinished}")
ok = unfinished == 0 and not twice and one_final_each and set(missing) <= uncertain
print("PASS" if ok else "FAIL")
if not ok:
    for row in db.execute("SELECT run_id, state, last_error, COUNT(*) FROM deliveries GROUP BY run_id, state, last_error"):
        print("  deliveries:", row)
sys.exit(0 if ok else 1)
PY
