#!/usr/bin/env bash
# One entry point for a fresh Debian machine with Node 20 and npm:
#   bash scripts/setup.sh demo   install everything, build, analyze the bundled samples
#   bash scripts/setup.sh test   install everything, build, lint, run the test suite
# Safe to re-run: it installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-demo}"

# System packages: ffmpeg for the media stage; a C/C++ toolchain, because the native addons (whisper.cpp,
# SQLite) are compiled on install; espeak-ng/sox make test audio; chromium and the CJK font are for the
# report/review page tests and rendered test documents; Redis and PostgreSQL are for the distributed-batch
# tests (scripts/services.sh runs private instances of them on loopback).
need=(ffmpeg python3 make g++)
if [ "$mode" = test ]; then need+=(espeak-ng sox chromium fonts-wqy-microhei redis-server postgresql); fi
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm dependencies. onnxruntime-node's own postinstall would download from outside the registry.
export ONNXRUNTIME_NODE_INSTALL=skip
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ -x scripts/build-whisper.sh ]; then scripts/build-whisper.sh; fi

echo "setup: building"
npm run --silent build

case "$mode" in
  demo)
    out=out/samples
    # The broken sample is broken on purpose: analyze exits 3 for it, which is expected here.
    node bin/dualrec.js analyze samples --out "$out" || [ $? -eq 3 ]
    echo
    echo "Reports: $(pwd)/$out/<session>/report.html (and report.json)"
    ;;
  test)
    # ESLint (bug-catching rules) and Prettier's layout check before the long suite: a failure ends it early.
    npm run --silent lint
    # The distributed-batch tests run against private Redis and PostgreSQL instances on loopback
    # (scripts/services.sh); with them started, those tests must really run, never skip.
    bash scripts/services.sh start
    trap 'bash scripts/services.sh stop >/dev/null 2>&1 || true' EXIT
    export DUALREC_REQUIRE_SERVICES=1
    npx vitest run
    ;;
  *) echo "usage: bash scripts/setup.sh [demo|test]" >&2; exit 2 ;;
esac
