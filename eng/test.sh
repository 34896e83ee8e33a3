#!/usr/bin/env bash
# Runs every test of RoomFacade: unit, conformance (in-memory, Redis, Redis Cluster), end-to-end and fault tests.
# The Redis tests start their own redis-server processes on free 127.0.0.1 ports; this script installs
# redis-server (and Node.js/npm, which build the example's browser client, and Debian's chromium, which the browser
# test drives headless) when they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v redis-cli >/dev/null 2>&1 || missing+=(redis-tools)
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "eng/test.sh: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The tests start their own servers; a system redis-server that apt may have started is left alone.
dotnet build RoomFacade.sln -c Release -nologo -clp:ErrorsOnly
log="$(mktemp)"
set +e
dotnet test RoomFacade.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -oE 'Skipped: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo "tests: ${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$passed" -eq 0 ] && [ "$status" -eq 0 ]; then
  echo "eng/test.sh: no test ran" >&2
  exit 1
fi
exit "$status"
