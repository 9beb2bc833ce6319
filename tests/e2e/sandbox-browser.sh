#!/bin/sh
# Stands in for the system browser in the journeys: opens the sign-in link of the
# window's own sandbox, picks a sandbox user on its sign-in page, and follows the
# redirect back to Lakegate's loopback listener — what a person does with clicks.
set -eu
url="$1"
log="${LAKEGATE_E2E_HOME:-/tmp}/browser.log"
# The window's own sandbox, unless a journey points at a standalone one.
ca="${LAKEGATE_E2E_CA:-$XDG_DATA_HOME/lakegate/sandbox/ca.pem}"
user="${LAKEGATE_E2E_USER:-alice@example.com}"
{
  echo "opening the sign-in page"
  page=$(curl -sS --cacert "$ca" "$url")
  request=$(printf '%s' "$page" | sed -n 's/.*name="request" value="\([^"]*\)".*/\1/p' | head -n 1)
  origin=$(printf '%s' "$url" | sed 's#^\(https://[^/]*\)/.*#\1#')
  echo "choosing $user"
  back=$(curl -sS --cacert "$ca" -o /dev/null -w '%{redirect_url}' \
    --data-urlencode "request=$request" --data-urlencode "user=$user" "$origin/oidc/v1/authorize")
  echo "returning to Lakegate"
  curl -sS -o /dev/null "$back"
  echo "done"
} >>"$log" 2>&1
