#!/usr/bin/env bash
# Adds every public symbol the build reports as undeclared (RS0016) to the project's PublicAPI.Unshipped.txt.
# Usage: eng/update-public-api.sh src/RoomFacade   (review the diff: the file is the package's API contract)
set -euo pipefail
project="${1:?project folder, e.g. src/RoomFacade}"
cd "$(dirname "$0")/.."
log="$(mktemp)"
dotnet build "$project" -c Release -nologo --no-incremental > "$log" 2>&1 || true
python3 - "$project" "$log" <<'PY'
import re, sys
project, log = sys.argv[1], sys.argv[2]
symbols = set()
for line in open(log):
    if f"/{project}/" not in line or "RS0016" not in line:
        continue
    m = re.search(r"RS0016: Symbol '(.*)' is not part of the declared public API", line)
    if m:
        symbols.add(m.group(1))
path = f"{project}/PublicAPI.Unshipped.txt"
lines = [l.rstrip("\n") for l in open(path)]
header = [l for l in lines if l.startswith("#")]
body = set(l for l in lines if l and not l.startswith("#")) | symbols
open(path, "w").write("\n".join(header + sorted(body)) + "\n")
print(f"{path}: {len(symbols)} symbol(s) added")
PY
rm -f "$log"
