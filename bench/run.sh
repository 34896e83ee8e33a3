#!/usr/bin/env bash
# Runs every RoomFacade benchmark side by side on this machine and writes docs/benchmarks.md:
#   1. bench/RoomFacade.Benchmarks  BenchmarkDotNet micro-benchmarks of the index (in-memory and Redis) + memory per membership
#   2. bench/RoomFacade.LoadDriver  real SignalR clients against in-process Kestrel servers: one server, and two servers
#                                   behind one Redis; facade vs raw SignalR groups; Redis index vs redis-benchmark SADD
#   3. bench/socketio               Socket.IO 4.8 + @socket.io/redis-adapter, two nodes behind one Redis, same workloads
# Everything talks to 127.0.0.1 only; every load loop is bounded in count and time (about 10 minutes in all).
#
# Usage: bench/run.sh [--quick]
#   --quick   small and short (smoke test): results go to the output folder only, docs/benchmarks.md is left alone.
# Environment: BENCH_OUT=DIR keeps the raw results there (default: artifacts/bench/<timestamp>, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
COMMAND="bench/run.sh $*"
QUICK=0
for a in "$@"; do
  case "$a" in
    --quick) QUICK=1 ;;
    *) echo "usage: bench/run.sh [--quick]" >&2; exit 2 ;;
  esac
done

OUT="${BENCH_OUT:-$ROOT/artifacts/bench/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
log() { echo "[bench $(date +%H:%M:%S)] $*" >&2; }
START_SECONDS=$SECONDS

# --- what the run needs: redis-server + redis-benchmark, Node.js + npm, the .NET SDK -------------------------------
missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-benchmark >/dev/null 2>&1 || missing+=(redis-tools)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]} with apt"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $(printf '%s\n' "${missing[@]}" | sort -u) >/dev/null
fi
command -v dotnet >/dev/null 2>&1 || { echo "bench/run.sh needs the .NET SDK (see global.json)" >&2; exit 1; }

log "npm ci (bench/socketio: socket.io, @socket.io/redis-adapter, redis, socket.io-client)"
(cd bench/socketio && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

log "dotnet build -c Release (bench projects and the library)"
for attempt in 1 2 3 4 5; do
  # Other builds may hold files of the shared src/ projects for a moment: retry.
  if dotnet build bench/RoomFacade.Benchmarks/RoomFacade.Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly -v:q \
     && dotnet build bench/RoomFacade.LoadDriver/RoomFacade.LoadDriver.csproj -c Release -nologo -clp:ErrorsOnly -v:q; then
    break
  fi
  [ "$attempt" -lt 5 ] || { echo "build failed" >&2; exit 1; }
  log "build failed (attempt $attempt), retrying in 10 s"
  sleep 10
done
BENCH_DLL="$ROOT/bench/RoomFacade.Benchmarks/bin/Release/net10.0/RoomFacade.Benchmarks.dll"
DRIVER_DLL="$ROOT/bench/RoomFacade.LoadDriver/bin/Release/net10.0/RoomFacade.LoadDriver.dll"

# --- redis-server processes of our own, on free loopback ports -----------------------------------------------------
REDIS_PIDS=()
cleanup() {
  for pid in "${REDIS_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
free_port() { node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
start_redis() { # prints the port; the pid goes into REDIS_PIDS via the file $OUT/redis-<port>.pid
  local port dir
  port="$(free_port)"
  dir="$(mktemp -d)"
  redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --protected-mode no --dir "$dir" \
    --daemonize yes --pidfile "$OUT/redis-$port.pid" --logfile "$OUT/redis-$port.log"
  for _ in $(seq 1 100); do
    redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null
  echo "$port"
}
track_redis() { REDIS_PIDS+=("$(cat "$OUT/redis-$1.pid")"); }

# --- machine --------------------------------------------------------------------------------------------------------
{
  echo "date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "nproc=$(nproc)"
  echo "cpu_model=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
  echo "memory=$(free -h | awk '/^Mem:/ {print $2 " total, " $7 " available"}')"
  echo "kernel=$(uname -sr)"
  echo "dotnet=$(dotnet --version)"
  echo "node=$(node --version)"
  echo "redis=$(redis-server --version | sed 's/^Redis server //')"
  echo "loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
  # The code measured: the commit, marked when src/ or bench/ had uncommitted changes.
  echo "commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD -- src bench 2>/dev/null || echo '+uncommitted')"
} > "$OUT/machine.txt"
free -h > "$OUT/free.txt"

if [ "$QUICK" -eq 1 ]; then
  DRIVER_ARGS=(--clients 200 --rooms 20 --rounds 1 --duration 3 --warmup 1 --jl-seconds 2 --sadd-requests 100000 --queries 100)
  SIO_ARGS=(--clients 200 --rooms 20 --rounds 1 --duration 3 --warmup 1 --queries 100)
  MICRO_ARGS=(memory)
else
  DRIVER_ARGS=()
  SIO_ARGS=()
  MICRO_ARGS=(all)
fi

# 1. Micro-benchmarks and memory (the benchmark process starts its own redis-server).
log "1/3 RoomFacade.Benchmarks ${MICRO_ARGS[*]} (BenchmarkDotNet, about 2 minutes)"
(cd "$OUT" && timeout 900 dotnet "$BENCH_DLL" "${MICRO_ARGS[@]}" --out "$OUT") > "$OUT/micro.log" 2>&1 \
  || { tail -50 "$OUT/micro.log" >&2; echo "RoomFacade.Benchmarks failed (log: $OUT/micro.log)" >&2; exit 1; }

# 2. Load driver: .NET servers and clients, one Redis of its own.
PORT="$(start_redis)"; track_redis "$PORT"
log "2/3 RoomFacade.LoadDriver against redis-server 127.0.0.1:$PORT (about 8 minutes)"
timeout 900 dotnet "$DRIVER_DLL" --redis "127.0.0.1:$PORT" --out "$OUT/loaddriver.json" "${DRIVER_ARGS[@]}" > /dev/null 2> "$OUT/loaddriver.log" \
  || { tail -50 "$OUT/loaddriver.log" >&2; echo "RoomFacade.LoadDriver failed (log: $OUT/loaddriver.log)" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true

# 3. Socket.IO peer: two nodes and the socket.io-client driver, a fresh Redis of its own.
PORT="$(start_redis)"; track_redis "$PORT"
log "3/3 Socket.IO peer (two nodes + redis adapter) against redis-server 127.0.0.1:$PORT (about 1 minute)"
timeout 600 node bench/socketio/driver.js --redis "redis://127.0.0.1:$PORT" --out "$OUT/socketio.json" "${SIO_ARGS[@]}" > /dev/null 2> "$OUT/socketio.log" \
  || { tail -50 "$OUT/socketio.log" >&2; echo "Socket.IO driver failed (log: $OUT/socketio.log)" >&2; exit 1; }
redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "duration_seconds=$((SECONDS - START_SECONDS))" >> "$OUT/machine.txt"

# 4. One markdown table with every figure and the ratios against the targets of issue 4.
if [ "$QUICK" -eq 1 ]; then
  node bench/report.js --in "$OUT" --command "$COMMAND" --out "$OUT/benchmarks.md"
else
  # Full runs also append their key ratios to docs/benchmark-history.json (the run-to-run table of the document).
  node bench/report.js --in "$OUT" --command "$COMMAND" --history docs/benchmark-history.json --out "$OUT/benchmarks.md"
  mkdir -p docs
  cp "$OUT/benchmarks.md" docs/benchmarks.md
  log "wrote docs/benchmarks.md"
fi
cat "$OUT/benchmarks.md"
log "raw results in $OUT"
