#!/usr/bin/env bash
# Builds smart-whisper's bundled whisper.cpp with -march=native -O3. npm installs it with
# node-gyp's default flags, which leave out AVX: transcription then runs about 10x slower.
#   scripts/build-whisper.sh           rebuild unless it is already built with the flags
#   scripts/build-whisper.sh --force   rebuild anyway
#   scripts/build-whisper.sh --check   only report; exit 1 when the build has no AVX
# Run after `npm ci` (scripts/setup.sh does). Safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

FLAGS="-march=native -O3"
pkg=node_modules/smart-whisper
addon=$pkg/build/Release/smart-whisper.node
# node-gyp keeps each object's compile command here; ggml.c holds the SIMD code
deps=$pkg/build/Release/.deps/Release/obj.target/smart-whisper/whisper.cpp/ggml/src/ggml.o.d

built_native() { [ -f "$addon" ] && [ -f "$deps" ] && head -n 1 "$deps" | grep -q -- '-march=native'; }
cpu_avx() { grep -qw avx /proc/cpuinfo 2>/dev/null; }

report() {
  if [ ! -f "$addon" ]; then
    echo "build-whisper: smart-whisper's native addon is not built"
    return 1
  fi
  local n=""
  if command -v objdump >/dev/null 2>&1; then
    n=" ($(objdump -d --no-show-raw-insn "$addon" | grep -c 'ymm' || true) instructions on 256-bit AVX registers)"
  fi
  if built_native && cpu_avx; then
    echo "build-whisper: whisper.cpp built with $FLAGS: AVX on$n"
    return 0
  elif built_native; then
    echo "build-whisper: whisper.cpp built with $FLAGS, but this CPU has no AVX$n"
    return 1
  fi
  echo "build-whisper: whisper.cpp built WITHOUT $FLAGS: no AVX, about 10x slower$n; run scripts/build-whisper.sh"
  return 1
}

if [ ! -d "$pkg" ]; then
  echo "build-whisper: smart-whisper is not installed; run npm ci first" >&2
  exit 1
fi

case "${1:-}" in
  --check) report; exit $? ;;
  --force) ;;
  "") if built_native; then report || true; exit 0; fi ;;
  *) echo "usage: scripts/build-whisper.sh [--check|--force]" >&2; exit 2 ;;
esac

echo "build-whisper: building smart-whisper's whisper.cpp with $FLAGS (a minute or two)"
# JOBS: node-gyp's make parallelism; npm's allowScripts approval for smart-whisper is in package.json
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! CFLAGS="$FLAGS" CXXFLAGS="$FLAGS" JOBS=max npm rebuild smart-whisper --foreground-scripts --no-audit --no-fund --loglevel=error >"$log" 2>&1; then
  tail -n 30 "$log" >&2
  echo "build-whisper: npm rebuild smart-whisper failed (needs python3, make and a C++ compiler)" >&2
  exit 1
fi
if ! built_native; then
  echo "build-whisper: the rebuild did not use $FLAGS (were install scripts skipped? see 'npm install-scripts ls')" >&2
  exit 1
fi
report || true
