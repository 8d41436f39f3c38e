#!/usr/bin/env bash
# CI: installs Dovecot's IMAP server (Debian package dovecot-imapd) with apt when it is not
# installed, so test/inbound-imap.api.test.ts can start a private Dovecot. Idempotent and silent
# when it is already there. The system service is not used: the tests run their own process.
set -euo pipefail

if dpkg-query -W -f='${Status}' dovecot-imapd 2>/dev/null | grep -q "ok installed"; then
  exit 0
fi

echo "== installing dovecot-imapd"
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -E"; fi
# The package's postinst tries to start the service; in containers without an init system that
# must not fail the install (policy-rc.d exit 101 = "do not start").
POLICY=/usr/sbin/policy-rc.d
CREATED_POLICY=0
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null
  $SUDO chmod +x "$POLICY"
  CREATED_POLICY=1
fi
cleanup() { if [ "$CREATED_POLICY" = 1 ]; then $SUDO rm -f "$POLICY"; fi; }
trap cleanup EXIT

$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold dovecot-imapd >/dev/null
echo "== $(/usr/sbin/dovecot --version 2>/dev/null || echo 'dovecot installed')"
