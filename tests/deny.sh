#!/usr/bin/env bash
# cargo deny for every platform Lakegate builds for (deny.toml): licences, bans (no
# OpenSSL, no new duplicate versions), sources. Advisories need the RustSec database from
# GitHub, which these machines cannot reach: they are checked only when it can be fetched,
# and the line below says which it was.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo deny --offline check licenses bans sources
if timeout 20 git ls-remote --heads https://github.com/rustsec/advisory-db >/dev/null 2>&1; then
  cargo deny check advisories
  echo "deny: advisories checked against the RustSec database"
else
  echo "deny: SKIPPED advisories: the RustSec database (github.com/rustsec/advisory-db) cannot be reached from this machine"
fi
