#!/usr/bin/env bash
# The delivery promise under a real crash: a digest run for N subscribers (default 20,000) to a
# local SMTP sink, a process killed with SIGKILL mid-run and started again; the run must finish
# with every subscriber sent exactly one digest, except deliveries the service itself reports as
# 'uncertain' (at most the chunk each worker had in flight when it died).
#
#   scripts/crash-test.sh [subscribers]
#   PROVIDER=Postgres scripts/crash-test.sh   # on a throwaway PostgreSQL cluster (initdb in a temp folder)
#   WORKERS=2 scripts/crash-test.sh           # a web-only process and two workers; one worker is killed
#                                             # and the other takes its batches over once their lease ends
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-20000}
PROVIDER=${PROVIDER:-Sqlite}
WORKERS=${WORKERS:-0}
WORK=$(mktemp -d)
chmod 755 "$WORK"
PORT=5099
SINK_PORT=2599
PG_PORT=55432
KEY=crash-test-admin-key-0123456789
LOG="$WORK/sink.log"
PIDS=()
cleanup() {
  kill "${PIDS[@]}" 2>/dev/null || true
  if [ "$PROVIDER" = Postgres ]; then as_postgres pg_ctl -D "$WORK/pg" stop -m immediate >/dev/null 2>&1 || true; fi
  if [ "${KEEP:-}" = 1 ]; then echo "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# PostgreSQL's programs refuse to run as root: they run as the postgres user then.
pg_bin=$(dirname "$(readlink -f "$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb | tail -n 1)")")
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$pg_bin/$1" "${@:2}"; else "$pg_bin/$1" "${@:2}"; fi; }

if [ "$PROVIDER" = Postgres ]; then
  mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
  as_postgres initdb -D "$WORK/pg" -U postgres --auth=trust --no-sync >/dev/null
  as_postgres pg_ctl -D "$WORK/pg" -l "$WORK/pg/server.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories=$WORK/pg -c max_connections=300" start >/dev/null
  "$pg_bin/psql" -q -h 127.0.0.1 -p $PG_PORT -U postgres -c "CREATE DATABASE crash" postgres
  DB_ENV=(Database__Provider=Postgres "ConnectionStrings__Newsletter=Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Database=crash")
  sql() { "$pg_bin/psql" -At -F $'\t' -h 127.0.0.1 -p $PG_PORT -U postgres crash -c "$1"; }
  AGG="string_agg(d.state, ',')"
else
  DB_ENV=(Database__Provider=Sqlite)
  sql() { python3 -c "import sqlite3,sys; c = sqlite3.connect(sys.argv[1], timeout=30); [print('\t'.join(map(str, r))) for r in c.execute(sys.argv[2])]; c.commit()" "$WORK/data/newsletter.db" "$1"; }
  AGG="GROUP_CONCAT(d.state)"
fi

dotnet build src/Newsletter -c Release -o "$WORK/bin" >/dev/null
python3 -W ignore scripts/smtp-counting-sink.py $SINK_PORT "$LOG" &
PIDS+=($!)

# start_process PORT VERB [EXTRA=VALUE...]: the service, as an operator would run it, sharing the database and the relay.
start_process() {
  local port=$1 verb=$2; shift 2
  env "${DB_ENV[@]}" "$@" Newsletter__DataDirectory="$WORK/data-$port" Admin__ApiKey=$KEY ASPNETCORE_URLS=http://127.0.0.1:$port \
    Newsletter__SigningKey=Y3Jhc2gtdGVzdC1zaWduaW5nLWtleS0wMTIzNDU2Nzg5MDEyMw== \
    Smtp__Host=127.0.0.1 Smtp__Port=$SINK_PORT Smtp__Security=None Smtp__From='Digest <digest@crash.test>' \
    Delivery__SendingTimeout=00:00:05 Delivery__BatchLease=00:00:05 Hangfire__SchedulePollingInterval=00:00:01 \
    Hangfire__InvisibilityTimeout=00:00:20 Logging__LogLevel__Default=Warning \
    dotnet "$WORK/bin/Newsletter.dll" $verb >>"$WORK/service-$port.log" 2>&1 &
  LAST=$!
  PIDS+=($LAST)
  for _ in $(seq 1 120); do curl -sf http://127.0.0.1:$port/health/ready >/dev/null && return; sleep 0.5; done
  echo "the process on port $port did not start"; cat "$WORK/service-$port.log"; exit 1
}

# SQLite processes share one data directory (one machine); PostgreSQL ones each have their own, as on several machines.
if [ "$PROVIDER" = Sqlite ]; then mkdir -p "$WORK/data"; for p in $PORT $((PORT+1)) $((PORT+2)); do ln -s "$WORK/data" "$WORK/data-$p"; done; else mkdir -p "$WORK/data"; fi

if [ "$WORKERS" -gt 0 ]; then
  start_process $PORT serve Jobs__Server=false
  for w in $(seq 1 "$WORKERS"); do start_process $((PORT + w)) worker; WORKER_PIDS[$w]=$LAST; done
  VICTIM_PORT=$((PORT + 1)); VICTIM=${WORKER_PIDS[1]}; VICTIM_VERB=worker
  echo "a web-only process and $WORKERS workers on $PROVIDER"
else
  start_process $PORT serve
  VICTIM_PORT=$PORT; VICTIM=$LAST; VICTIM_VERB=serve
  echo "one process on $PROVIDER"
fi

# Subscribers straight into the database (the lifecycle is tested elsewhere), and three entries.
sql "INSERT INTO subscribers (email, status, created_at, updated_at, confirmed_at)
     SELECT 's' || (a.i * 1000 + b.i) || '@crash.test', 'active', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '2026-01-01 00:00:00'
     FROM (WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 999) SELECT i FROM k) a,
          (WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 999) SELECT i FROM k) b
     WHERE a.i * 1000 + b.i < $N" >/dev/null
curl -sf -H "X-Api-Key: $KEY" -H 'content-type: application/json' http://127.0.0.1:$PORT/api/entries \
  -d '[{"id":"c-1","title":"Crash-safe delivery","upvotes":3},{"id":"c-2","title":"Exactly once","upvotes":2},{"id":"c-3","title":"Ledgers","upvotes":1}]' >/dev/null
RUN=$(curl -sf -H "X-Api-Key: $KEY" -H 'content-type: application/json' http://127.0.0.1:$PORT/api/digests -d '{"force":true}' | python3 -c "import json,sys; print(json.load(sys.stdin)['id'])")

# Kill one process once about a quarter of the run has gone out.
while [ "$(wc -l < "$LOG")" -lt $((N / 4)) ]; do sleep 0.2; done
kill -9 "$VICTIM"; wait "$VICTIM" 2>/dev/null || true
echo "killed the $VICTIM_VERB on port $VICTIM_PORT with SIGKILL after $(wc -l < "$LOG") messages"
start_process $VICTIM_PORT $VICTIM_VERB

status() { curl -sf -H "X-Api-Key: $KEY" http://127.0.0.1:$PORT/api/digests/$RUN; }
field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])['$1'])" "$2"; }
for _ in $(seq 1 600); do
  S=$(status); [ "$(field status "$S")" = completed ] && break; sleep 1
done
echo "run after restart: $(status)"
# The scheduler may have started a run of its own meanwhile; let every run finish.
for _ in $(seq 1 300); do
  [ "$(sql "SELECT COUNT(*) FROM digest_runs WHERE status IN ('queued','running')")" = 0 ] && break
  sleep 1
done
kill "${PIDS[@]:1}" 2>/dev/null || true

sql "SELECT COUNT(*) FROM digest_runs WHERE status <> 'completed'" > "$WORK/unfinished"
sql "SELECT s.email, $AGG FROM deliveries d JOIN subscribers s ON s.id = d.subscriber_id WHERE d.state IN ('sent', 'uncertain') GROUP BY s.email" > "$WORK/final"
sql "SELECT run_id, state, last_error, COUNT(*) FROM deliveries GROUP BY run_id, state, last_error" > "$WORK/summary"
python3 - "$LOG" "$N" "$WORK" <<'PY'
import collections, sys
# The scheduler may start its own run while the forced one is under way: the promise is about each
# subscriber across all runs, so count per subscriber, from the sink and from the delivery rows.
counts = collections.Counter(l.strip() for l in open(sys.argv[1]) if l.strip())
n, work = int(sys.argv[2]), sys.argv[3]
unfinished = int(open(f"{work}/unfinished").read().strip())
final = dict(line.rstrip("\n").split("\t") for line in open(f"{work}/final") if line.strip())
uncertain = {e for e, states in final.items() if "uncertain" in states}
missing = [f"s{i}@crash.test" for i in range(n) if counts[f"s{i}@crash.test"] == 0]
twice = [a for a, c in counts.items() if c > 1]
one_final_each = len(final) == n and all("," not in states for states in final.values())
print(f"subscribers {n}, messages {sum(counts.values())}, missing {len(missing)}, twice {len(twice)}, uncertain {len(uncertain)}, unfinished runs {unfinished}")
ok = unfinished == 0 and not twice and one_final_each and set(missing) <= uncertain
print("PASS" if ok else "FAIL")
if not ok:
    print(open(f"{work}/summary").read())
sys.exit(0 if ok else 1)
PY
