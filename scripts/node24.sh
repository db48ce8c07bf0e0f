#!/usr/bin/env sh
# Runs a TypeScript entry point (or a JS tool) on Node.js 24, the Lambda runtime perfcycle targets.
# Machines that still have an older Node get Node 24 from the npm registry, once, into a cache folder.
set -eu
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -ge 24 ]; then
  node_bin=node
else
  prefix="${PERFCYCLE_NODE24_PREFIX:-/tmp/node24}"
  node_bin="$prefix/node_modules/.bin/node"
  if ! "$node_bin" --version 2>/dev/null | grep -q '^v24\.'; then
    echo "perfcycle: installing Node.js 24 into $prefix (once)" >&2
    npm install --prefix "$prefix" --no-save --no-audit --no-fund node@24 >&2
  fi
fi
case "$1" in
  *.ts) exec "$node_bin" --import tsx "$@" ;;
  *) exec "$node_bin" "$@" ;;
esac
