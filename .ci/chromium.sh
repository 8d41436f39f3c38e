#!/usr/bin/env bash
# CI: installs Debian's Chromium when it is missing, for the browser tests (test/browser/, driven by
# playwright-core, which downloads no browser of its own). Idempotent and silent when installed.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  exit 0
fi

echo "== installing chromium"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -E"; fi
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "== $(chromium --version 2>/dev/null || echo 'chromium installed')"
