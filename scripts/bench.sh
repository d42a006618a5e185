#!/usr/bin/env bash
# `npm run bench` runs every bench/*.bench.ts in turn with its default options; `npm run bench -- rules vision`
# runs only those. Each prints its own figures; one that fails does not stop the others, but the exit
# status is 1 then. A bench's options (listed in its header comment) need it run alone:
#   npx tsx bench/<name>.bench.ts [options]
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -gt 0 ]; then
  files=()
  for name in "$@"; do files+=("bench/${name%.bench.ts}.bench.ts"); done
else
  files=(bench/*.bench.ts)
fi
failed=()
for f in "${files[@]}"; do
  if [ ! -f "$f" ]; then echo "bench: no $f (have: $(ls bench | sed 's/\.bench\.ts$//' | tr '\n' ' '))" >&2; exit 2; fi
  echo "== $f"
  npx tsx "$f" || failed+=("$f")
  echo
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "bench: failed: ${failed[*]}" >&2
  exit 1
fi
