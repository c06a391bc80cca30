#!/usr/bin/env bash
# A real single-node Kubernetes on this machine, offline, from the Go module proxy and Debian's packages:
#   - kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and kubectl from k8s.io/kubernetes v1.37.2, and
#     etcd v3.7.3 (etcdmain.Main), built by `go build` from tools/cluster/go.mod (the k8s.io modules at v0.37.2, no
#     replace block, no go.work) into $SYNTHCALL_CLUSTER_CACHE/bin; the Go build cache and modules live beside it, so
#     only the first build is long (~35-40 min on 2 cores) and later ones, CI's included, reuse it;
#   - Debian's containerd (CRI, `restrict_oom_score_adj = true`), runc and containernetworking-plugins (bridge);
#   - synthcall/pause (FROM scratch, the static cmd/pause) as the sandbox image and synthcall/prometheus, built with
#     the dockerd of tools/containers/containers.sh, which also builds the project's images; every image moves into
#     containerd with `docker save` | `ctr -n k8s.io images import` (pods use imagePullPolicy: Never).
# Everything listens on 127.0.0.1 (apiserver 31443, etcd 31379/31380, kubelet 31250, controller-manager 31257,
# scheduler 31259); processes, logs, pid files and state live under $SYNTHCALL_CLUSTER_CACHE/run.
#
# usage: tools/cluster/cluster.sh up|down|status|env|build
#   build   build the programs (cached; rebuilt when tools/cluster's go.mod, go.sum or cmd/ change)
#   up      build, start dockerd and build the images (tools/containers), start the cluster, load the images, wait for
#           the node to be Ready; prints the export KUBECONFIG line
#   down    stop exactly the processes `up` started (by their pid files), the pods' containers, and dockerd when `up`
#           started it; keeps the caches
#   status  print what runs
#   env     print the export KUBECONFIG line
# env: SYNTHCALL_CLUSTER_CACHE (default ~/.cache/synthcall/cluster), SYNTHCALL_CLUSTER_SKIP_IMAGES=1 (use the images
#      dockerd already holds instead of rebuilding them from the checkout)
set -euo pipefail
cd "$(dirname "$0")/../.."

KUBERNETES_VERSION=v1.37.2
# The node's name is also its Hostname address, the one the API server dials for logs, exec and port-forward
# (--kubelet-preferred-address-types=Hostname): "localhost" reaches the kubelet on 127.0.0.1. Its InternalIP cannot be
# loopback (the kubelet refuses one) and is the machine's; nothing of the cluster listens there.
NODE_NAME=localhost
CACHE=${SYNTHCALL_CLUSTER_CACHE:-$HOME/.cache/synthcall/cluster}
BIN="$CACHE/bin"
RUN="$CACHE/run"
PIDS="$RUN/pids"
LOGS="$RUN/logs"
PKI="$RUN/pki"
KUBECONFIG_FILE="$RUN/kubeconfig"
CONTAINERD_SOCK="$RUN/containerd/containerd.sock"
# The analytics-sink's dataset folder in the local overlay (a hostPath owned by the services' user 1000).
DATASET_DIR=/var/lib/synthcall-cluster/dataset
API_PORT=31443
PROGRAMS=(etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kubectl pause)
# Started in this order, stopped in the reverse one.
PROCESSES=(etcd kube-apiserver containerd kube-controller-manager kube-scheduler kubelet)

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { printf '[cluster] error: %s\n' "$*" >&2; exit 1; }
containers() { bash tools/containers/containers.sh "$@"; }
kubectl() { "$BIN/kubectl" --kubeconfig "$KUBECONFIG_FILE" "$@"; }
ctr_() { ctr --address "$CONTAINERD_SOCK" -n k8s.io "$@"; }
pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }
running() { local pid; pid=$(pid_of "$1"); [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

need_root() { [ "$(id -u)" -eq 0 ] || die "the kubelet and containerd need root: run as root"; }

install_packages() {
  local missing=()
  command -v containerd >/dev/null 2>&1 || missing+=(containerd)
  command -v runc >/dev/null 2>&1 || missing+=(runc)
  [ -x /usr/lib/cni/bridge ] || missing+=(containernetworking-plugins)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v go >/dev/null 2>&1 || die "go is not on PATH: install Go 1.26 (the build needs go 1.26.0 or newer)"
  [ ${#missing[@]} -eq 0 ] && return
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# What the programs were built from: a change of any of these rebuilds them (the Go cache makes that quick).
build_stamp() {
  { go version; cat tools/cluster/go.mod tools/cluster/go.sum tools/cluster/cmd/*/*.go; } | sha256sum | cut -d' ' -f1
}

programs_built() {
  local p
  for p in "${PROGRAMS[@]}"; do [ -x "$BIN/$p" ] || return 1; done
}

cmd_build() {
  local stamp; stamp=$(build_stamp)
  if [ "$(cat "$BIN/.stamp" 2>/dev/null)" = "$stamp" ] && programs_built; then
    log "programs up to date in $BIN"
    return
  fi
  mkdir -p "$BIN" "$CACHE/go"
  local version_flags="-X k8s.io/component-base/version.gitVersion=$KUBERNETES_VERSION"
  version_flags+=" -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=37"
  version_flags+=" -X k8s.io/component-base/version.gitTreeState=clean"
  version_flags+=" -X k8s.io/client-go/pkg/version.gitVersion=$KUBERNETES_VERSION"
  version_flags+=" -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=37"
  log "building Kubernetes $KUBERNETES_VERSION, etcd and pause into $BIN (first time ~35-40 min on 2 cores; log: $CACHE/build.log)"
  local t0; t0=$(date +%s)
  (
    cd tools/cluster
    export GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build" GOTOOLCHAIN=local GOFLAGS=-mod=mod CGO_ENABLED=0
    exec go build -v -trimpath -ldflags "-s -w $version_flags" -o "$BIN/" ./cmd/pause ./cmd/etcd \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
      k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubectl
  ) >"$CACHE/build.log" 2>&1 &
  local build=$! ticks=0
  while kill -0 "$build" 2>/dev/null; do
    sleep 5
    ticks=$((ticks + 1))
    # `go build -v` names each package as it compiles one: a line a minute says how far it got.
    [ $((ticks % 12)) -eq 0 ] &&
      log "… $(( $(date +%s) - t0 )) s, $(grep -vc '^go: ' "$CACHE/build.log" || true) packages compiled"
  done
  if ! wait "$build"; then
    tail -30 "$CACHE/build.log" >&2
    die "go build failed (log: $CACHE/build.log); a 'package … is not in std' or 'missing go.sum entry' means the Go module proxy did not serve a module: check GOPROXY and rerun"
  fi
  echo "$stamp" >"$BIN/.stamp"
  log "built ${PROGRAMS[*]} in $(( $(date +%s) - t0 )) s"
}

# A CA, the API server's serving certificate for 127.0.0.1, the service-account signing key and one token per client.
make_pki() {
  mkdir -p "$PKI"
  if [ ! -f "$PKI/sa.pub" ]; then (
    cd "$PKI"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 -subj /CN=synthcall-cluster-ca 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj /CN=kube-apiserver 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\n' >san.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt -days 3650 -extfile san.ext 2>/dev/null
    openssl genrsa -out sa.key 2048 2>/dev/null
    openssl rsa -in sa.key -pubout -out sa.pub 2>/dev/null
    chmod 600 ./*.key
  ) fi
  # token,user,uid,"groups": every client of this local cluster is an administrator. A client missing from an older
  # file (the node was renamed) gets its token added; without one it would reach the API server as anonymous.
  local name
  touch "$PKI/tokens.csv" && chmod 600 "$PKI/tokens.csv"
  for name in admin kube-controller-manager kube-scheduler "system:node:$NODE_NAME"; do
    awk -F, -v u="$name" '$2 == u { found = 1 } END { exit !found }' "$PKI/tokens.csv" ||
      printf '%s,%s,%s,"system:masters"\n' "$(openssl rand -hex 24)" "$name" "$name" >>"$PKI/tokens.csv"
  done
}

write_kubeconfig() { # file user
  local token; token=$(awk -F, -v u="$2" '$2 == u { print $1 }' "$PKI/tokens.csv")
  [ -n "$token" ] || die "no token for $2 in $PKI/tokens.csv"
  cat >"$1" <<EOF
apiVersion: v1
kind: Config
clusters:
  - name: synthcall
    cluster:
      server: https://127.0.0.1:$API_PORT
      certificate-authority: $PKI/ca.crt
users:
  - name: $2
    user:
      token: $token
contexts:
  - name: synthcall
    context:
      cluster: synthcall
      user: $2
      namespace: synthcall
current-context: synthcall
EOF
  chmod 600 "$1"
}

write_configs() {
  mkdir -p "$RUN/containerd" "$RUN/cni/net.d" "$RUN/kubelet" "$RUN/etcd"
  write_kubeconfig "$KUBECONFIG_FILE" admin
  write_kubeconfig "$RUN/controller-manager.kubeconfig" kube-controller-manager
  write_kubeconfig "$RUN/scheduler.kubeconfig" kube-scheduler
  write_kubeconfig "$RUN/kubelet.kubeconfig" "system:node:$NODE_NAME"
  # Its own root, state and socket: a containerd of the machine (or of dockerd) is left alone.
  cat >"$RUN/containerd/config.toml" <<EOF
version = 2
root = "$RUN/containerd/root"
state = "$RUN/containerd/state"
[grpc]
  address = "$CONTAINERD_SOCK"
[ttrpc]
  address = "$RUN/containerd/containerd.sock.ttrpc"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "docker.io/synthcall/pause:latest"
  # Without it runc fails here with "can't get final child's PID from pipe" (oom_score_adj cannot be lowered).
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "/usr/lib/cni"
    conf_dir = "$RUN/cni/net.d"
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
EOF
  # The pods of the local overlay use the node's network; the bridge serves any pod that does not.
  cat >"$RUN/cni/net.d/10-synthcall.conflist" <<'EOF'
{
  "cniVersion": "1.0.0",
  "name": "synthcall",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "synthcall0",
      "isGateway": true,
      "ipMasq": false,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "10.244.0.0/24" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "loopback" }
  ]
}
EOF
  cat >"$RUN/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: 127.0.0.1
port: 31250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 31248
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$CONTAINERD_SOCK
authentication:
  anonymous:
    enabled: true
  webhook:
    enabled: false
authorization:
  mode: AlwaysAllow
# The images are loaded once and never pulled: keep them whatever the disk use.
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
evictionHard:
  memory.available: 100Mi
  nodefs.available: 2%
  imagefs.available: 2%
EOF
}

# start NAME COMMAND…: detached (its own session), its pid in $PIDS/NAME.pid, its output in $LOGS/NAME.log.
start() {
  local name=$1; shift
  if running "$name"; then log "$name already running (pid $(pid_of "$name"))"; return; fi
  setsid "$@" >"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
  log "started $name (pid $!, log $LOGS/$name.log)"
}

wait_for() { # what seconds command…
  local what=$1 seconds=$2; shift 2
  local i
  for i in $(seq 1 "$seconds"); do
    if "$@" >/dev/null 2>&1; then return; fi
    sleep 1
  done
  die "$what did not come up within $seconds s (logs: $LOGS)"
}

# Every image the local overlay runs, from dockerd into containerd's k8s.io namespace; one already there (the same
# docker image id, kept as a label) is not loaded again.
load_images() {
  local images=(synthcall/pause:latest synthcall/prometheus:latest)
  images+=($(docker images --format '{{.Repository}}:{{.Tag}}' |
    grep -E '^synthcall/(orchestrator|twiml-gateway|conversation-engine|analytics-sink|twilio-sim|cli|kafka|apicurio-registry):'))
  local image id
  for image in "${images[@]}"; do
    id=$(docker image inspect -f '{{.Id}}' "$image")
    if ctr_ images ls "name==docker.io/$image" 2>/dev/null | grep -q "synthcall.docker-id=$id"; then continue; fi
    log "loading $image into containerd…"
    docker save "$image" | ctr_ images import - >/dev/null
    ctr_ images label "docker.io/$image" "synthcall.docker-id=$id" >/dev/null
  done
}

build_cluster_images() {
  local ctx="$CACHE/context/pause"
  mkdir -p "$ctx" && cp "$BIN/pause" "$ctx/pause"
  DOCKER_BUILDKIT=0 docker build -q -t synthcall/pause:latest -f tools/cluster/images/pause.Dockerfile "$ctx" >/dev/null
  DOCKER_BUILDKIT=0 docker build -q --network host -t synthcall/prometheus:latest \
    -f tools/cluster/images/prometheus.Dockerfile tools/cluster/images >/dev/null
  log "built synthcall/pause and synthcall/prometheus"
}

cmd_up() {
  need_root
  install_packages
  local t0; t0=$(date +%s)
  cmd_build
  mkdir -p "$PIDS" "$LOGS"
  # dockerd is stopped by `down` only when this `up` started it (CI, or another checkout, may run it already).
  if ! containers status 2>&1 | grep -q 'dockerd running'; then
    containers up
    touch "$PIDS/dockerd.started"
  fi
  eval "$(containers env)"
  if [ "${SYNTHCALL_CLUSTER_SKIP_IMAGES:-}" = 1 ]; then log "SYNTHCALL_CLUSTER_SKIP_IMAGES=1: using the images dockerd holds"
  else containers images; fi
  build_cluster_images
  make_pki
  write_configs
  install -d -o 1000 -g 1000 "$DATASET_DIR"

  start etcd "$BIN/etcd" --name synthcall --data-dir "$RUN/etcd" \
    --listen-client-urls http://127.0.0.1:31379 --advertise-client-urls http://127.0.0.1:31379 \
    --listen-peer-urls http://127.0.0.1:31380 --initial-advertise-peer-urls http://127.0.0.1:31380 \
    --initial-cluster synthcall=http://127.0.0.1:31380 --listen-metrics-urls http://127.0.0.1:31381
  wait_for etcd 60 curl -fsS http://127.0.0.1:31381/health

  # --endpoint-reconciler-type=none: the kubernetes Service's endpoints may not name a loopback address otherwise.
  start kube-apiserver "$BIN/kube-apiserver" --etcd-servers=http://127.0.0.1:31379 \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port=$API_PORT \
    --endpoint-reconciler-type=none --service-cluster-ip-range=10.96.0.0/16 --kubelet-preferred-address-types=Hostname \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" --client-ca-file="$PKI/ca.crt" \
    --token-auth-file="$PKI/tokens.csv" --authorization-mode=Node,RBAC \
    --service-account-issuer=https://kubernetes.default.svc --service-account-key-file="$PKI/sa.pub" \
    --service-account-signing-key-file="$PKI/sa.key"
  wait_for kube-apiserver 180 kubectl get --raw /readyz

  start containerd containerd --config "$RUN/containerd/config.toml"
  wait_for containerd 60 ctr --address "$CONTAINERD_SOCK" version

  start kube-controller-manager "$BIN/kube-controller-manager" --kubeconfig="$RUN/controller-manager.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=31257 --leader-elect=false \
    --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" --use-service-account-credentials=false
  start kube-scheduler "$BIN/kube-scheduler" --kubeconfig="$RUN/scheduler.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port=31259 --leader-elect=false

  load_images

  start kubelet "$BIN/kubelet" --config="$RUN/kubelet.yaml" --kubeconfig="$RUN/kubelet.kubeconfig" \
    --root-dir="$RUN/kubelet" --hostname-override="$NODE_NAME"
  wait_for "node $NODE_NAME" 180 kubectl wait --for=condition=Ready "node/$NODE_NAME" --timeout=1s
  log "cluster up in $(( $(date +%s) - t0 )) s: node $NODE_NAME Ready, Kubernetes $KUBERNETES_VERSION"
  echo "export KUBECONFIG=$KUBECONFIG_FILE"
}

stop_process() {
  local name=$1 pid
  pid=$(pid_of "$name")
  if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then rm -f "$PIDS/$name.pid"; return; fi
  kill -TERM "$pid"
  local i
  for i in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { log "stopped $name (pid $pid)"; rm -f "$PIDS/$name.pid"; return; }
    sleep 0.5
  done
  log "$name (pid $pid) did not stop in 30 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDS/$name.pid"
}

cmd_down() {
  need_root
  stop_process kubelet
  # The pods' containers run under containerd's shims, not under the kubelet: stop them through this containerd.
  if running containerd; then
    local id
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks kill -s SIGKILL "$id" >/dev/null 2>&1 || true; done
    sleep 1
    for id in $(ctr_ tasks ls -q 2>/dev/null); do ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true; done
    for id in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers delete "$id" >/dev/null 2>&1 || true; done
  fi
  local i
  for ((i = ${#PROCESSES[@]} - 1; i >= 0; i--)); do
    [ "${PROCESSES[i]}" = kubelet ] || stop_process "${PROCESSES[i]}"
  done
  # The kubelet's volume mounts (secrets, config maps) and the sandboxes' network namespaces.
  grep -o " $RUN/[^ ]*" /proc/mounts | sort -r | while read -r mount; do umount "$mount" 2>/dev/null || true; done
  ip link show synthcall0 >/dev/null 2>&1 && ip link delete synthcall0 || true
  # The next up starts an empty cluster (the images stay in containerd's root, the programs in $BIN).
  rm -rf "$RUN/etcd" "$RUN/kubelet"
  if [ -f "$PIDS/dockerd.started" ]; then
    containers down
    rm -f "$PIDS/dockerd.started"
  fi
  log "down"
}

cmd_status() {
  local name
  for name in "${PROCESSES[@]}"; do
    if running "$name"; then log "$name running (pid $(pid_of "$name"))"; else log "$name not running"; fi
  done
  running kube-apiserver && kubectl get nodes -o wide || true
}

case "${1:-}" in
  build) cmd_build ;;
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_FILE" ;;
  *) die "usage: tools/cluster/cluster.sh up|down|status|env|build" ;;
esac
