#!/usr/bin/env bash
# Runs every RoomFacade benchmark side by side on this machine and writes docs/benchmarks.md:
#   1. bench/RoomFacade.Benchmarks  BenchmarkDotNet micro-benchmarks of the index (in-memory and Redis) + memory per membership
#   2. bench/RoomFacade.LoadDriver  real SignalR clients against in-process Kestrel servers: one server, and two servers
#                                   behind one Redis; facade vs raw SignalR groups; Redis index vs redis-benchmark SADD
#   3. bench/socketio               Socket.IO 4.8 + @socket.io/redis-adapter, two nodes behind one Redis, same workloads
#   4. bench/scaleout               issues 11 and 12: the ChatRooms example as two server processes (RoomFacade's
#                                   backplane, SignalR's stock one) and its Socket.IO endpoint, vs Socket.IO 4.8, driven
#                                   by the official JS clients; plus dotnet-trace profiles of join+leave on both backplanes
# Everything talks to 127.0.0.1 only; every load loop is bounded in count and time (about 30 minutes in all).
#
# Usage: bench/run.sh [--quick] [--only scaleout]
#   --quick          small and short (smoke test): results go to the output folder only, docs/benchmarks.md is left alone.
#   --only scaleout  part 4 alone (about 17 minutes): its section of docs/benchmarks.md is replaced, the rest kept.
# Environment: BENCH_OUT=DIR keeps the raw results there (default: artifacts/bench/<timestamp>, git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$(pwd)"
COMMAND="bench/run.sh $*"
QUICK=0
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --only)
      [ "${2:-}" = "scaleout" ] || { echo "usage: bench/run.sh [--quick] [--only scaleout]" >&2; exit 2; }
      ONLY="$2"; shift ;;
    *) echo "usage: bench/run.sh [--quick] [--only scaleout]" >&2; exit 2 ;;
  esac
  shift
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

log "npm ci (bench/socketio: socket.io, @socket.io/redis-adapter, redis, socket.io-client; bench/scaleout: @microsoft/signalr, socket.io-client, redis)"
(cd bench/socketio && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
(cd bench/scaleout && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

# dotnet-trace (the profile of part 4) and dotnet-gcdump (GC heap per connection), in a tool folder outside the repository.
TOOLS="${BENCH_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/roomfacade-bench/tools}"
for tool in dotnet-trace dotnet-gcdump; do
  if [ ! -x "$TOOLS/$tool" ]; then
    log "dotnet tool install $tool 10.0.750501 --tool-path $TOOLS"
    timeout 300 dotnet tool install "$tool" --version 10.0.750501 --tool-path "$TOOLS" >/dev/null
  fi
done

log "dotnet build -c Release (bench projects, the ChatRooms example and the library)"
for attempt in 1 2 3 4 5; do
  # Other builds may hold files of the shared src/ projects for a moment: retry.
  if { [ "$ONLY" = "scaleout" ] \
       || { dotnet build bench/RoomFacade.Benchmarks/RoomFacade.Benchmarks.csproj -c Release -nologo -clp:ErrorsOnly -v:q \
            && dotnet build bench/RoomFacade.LoadDriver/RoomFacade.LoadDriver.csproj -c Release -nologo -clp:ErrorsOnly -v:q; }; } \
     && dotnet build examples/ChatRooms/ChatRooms.csproj -c Release -nologo -clp:ErrorsOnly -v:q; then
    break
  fi
  [ "$attempt" -lt 5 ] || { echo "build failed" >&2; exit 1; }
  log "build failed (attempt $attempt), retrying in 10 s"
  sleep 10
done
BENCH_DLL="$ROOT/bench/RoomFacade.Benchmarks/bin/Release/net10.0/RoomFacade.Benchmarks.dll"
DRIVER_DLL="$ROOT/bench/RoomFacade.LoadDriver/bin/Release/net10.0/RoomFacade.LoadDriver.dll"
CHATROOMS_DLL="$ROOT/examples/ChatRooms/bin/Release/net10.0/ChatRooms.dll"

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
  SCALEOUT_ARGS=(--rounds 1 --clients 200 --rooms 20 --queries 50 --jl-clients 20 --jl-seconds 1 --duration 1 --warmup 0.5
                 --storm-clients 300 --storm-rounds 1)
  PROFILE_SECONDS=3
else
  DRIVER_ARGS=()
  SIO_ARGS=()
  MICRO_ARGS=(all)
  SCALEOUT_ARGS=()
  PROFILE_SECONDS=10
fi

if [ "$ONLY" != "scaleout" ]; then

  # 1. Micro-benchmarks and memory (the benchmark process starts its own redis-server).
  log "1/4 RoomFacade.Benchmarks ${MICRO_ARGS[*]} (BenchmarkDotNet, about 2 minutes)"
  (cd "$OUT" && timeout 900 dotnet "$BENCH_DLL" "${MICRO_ARGS[@]}" --out "$OUT") > "$OUT/micro.log" 2>&1 \
    || { tail -50 "$OUT/micro.log" >&2; echo "RoomFacade.Benchmarks failed (log: $OUT/micro.log)" >&2; exit 1; }

  # 2. Load driver: .NET servers and clients, one Redis of its own.
  PORT="$(start_redis)"; track_redis "$PORT"
  log "2/4 RoomFacade.LoadDriver against redis-server 127.0.0.1:$PORT (about 8 minutes)"
  timeout 900 dotnet "$DRIVER_DLL" --redis "127.0.0.1:$PORT" --out "$OUT/loaddriver.json" "${DRIVER_ARGS[@]}" > /dev/null 2> "$OUT/loaddriver.log" \
    || { tail -50 "$OUT/loaddriver.log" >&2; echo "RoomFacade.LoadDriver failed (log: $OUT/loaddriver.log)" >&2; exit 1; }
  redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true

  # 3. Socket.IO peer: two nodes and the socket.io-client driver, a fresh Redis of its own.
  PORT="$(start_redis)"; track_redis "$PORT"
  log "3/4 Socket.IO peer (two nodes + redis adapter) against redis-server 127.0.0.1:$PORT (about 1 minute)"
  timeout 600 node bench/socketio/driver.js --redis "redis://127.0.0.1:$PORT" --out "$OUT/socketio.json" "${SIO_ARGS[@]}" > /dev/null 2> "$OUT/socketio.log" \
    || { tail -50 "$OUT/socketio.log" >&2; echo "Socket.IO driver failed (log: $OUT/socketio.log)" >&2; exit 1; }
  redis-cli -h 127.0.0.1 -p "$PORT" shutdown nosave >/dev/null 2>&1 || true
fi

# 4. Scale-out and the Socket.IO endpoint (issues 11 and 12): servers in processes of their own, each scaled-out
#    system with a fresh redis-server of its own (the driver starts them all), then profiles of join+leave on both backplanes.
{
  echo "scaleout_command=$COMMAND"
  echo "scaleout_date_utc=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "scaleout_loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)"
} >> "$OUT/machine.txt"
mkdir -p "$OUT/scaleout-logs"
log "4/4 scale-out: ChatRooms x2 (RoomFacade / stock backplane), Socket.IO x2, ChatRooms Socket.IO endpoint vs one Node server"
timeout 1500 node bench/scaleout/driver.js --chatrooms-dll "$CHATROOMS_DLL" --gcdump-tool "$TOOLS/dotnet-gcdump" \
  --log-dir "$OUT/scaleout-logs" --out "$OUT/scaleout.json" \
  "${SCALEOUT_ARGS[@]}" 2> "$OUT/scaleout.log" \
  || { tail -50 "$OUT/scaleout.log" >&2; echo "scale-out driver failed (log: $OUT/scaleout.log)" >&2; exit 1; }
echo "scaleout_loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
# The stock backplane (where its CPU per join+leave goes), then RoomFacade's (the same question for the new path).
for sys in stock rf; do
  log "4/4 profile: join+leave on $sys, dotnet-trace on one server (${PROFILE_SECONDS} s)"
  mkdir -p "$OUT/scaleout-logs/profile-$sys"
  timeout 300 node bench/scaleout/driver.js --chatrooms-dll "$CHATROOMS_DLL" --profile "$sys" --profile-seconds "$PROFILE_SECONDS" \
    --trace-tool "$TOOLS/dotnet-trace" --trace-out "$OUT/$sys-joinleave.nettrace" --log-dir "$OUT/scaleout-logs/profile-$sys" \
    --out "$OUT/profile-$sys.json" 2> "$OUT/profile-$sys.log" \
    || { tail -50 "$OUT/profile-$sys.log" >&2; echo "profile run failed (log: $OUT/profile-$sys.log)" >&2; exit 1; }
  node bench/scaleout/profile-summary.js "$OUT/$sys-joinleave.speedscope.json" --top 40 --out "$OUT/profile-summary-$sys.json"
done

echo "loadavg_end=$(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT/machine.txt"
echo "duration_seconds=$((SECONDS - START_SECONDS))" >> "$OUT/machine.txt"

# 5. One markdown document with every figure and the ratios against the targets of issues 4, 11 and 12.
if [ "$ONLY" = "scaleout" ]; then
  # Only part 4 ran: its section replaces the old one in docs/benchmarks.md (a copy in the output folder with --quick).
  node bench/report.js --in "$OUT" --splice docs/benchmarks.md --out "$OUT/benchmarks.md"
  if [ "$QUICK" -eq 0 ]; then
    cp "$OUT/benchmarks.md" docs/benchmarks.md
    log "wrote the scale-out section of docs/benchmarks.md"
  fi
elif [ "$QUICK" -eq 1 ]; then
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
