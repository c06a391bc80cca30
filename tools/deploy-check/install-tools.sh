#!/usr/bin/env bash
# Installs the pinned tools the deploy-check tests run, into tools/deploy-check/.bin (git-ignored). Idempotent:
# a tool already at the pinned version is left alone. Both come through the Go module proxy:
# - kustomize (`go install`), which builds the overlays;
# - grafana-dashboard-check, built from ./grafana-check (its go.mod/go.sum pin Grafana's foundation SDK), which
#   decodes the dashboard strictly with the SDK's generated dashboard types;
# - k8s-strict-check, built from ./k8s-check (its go.mod/go.sum pin k8s.io/api and k8s.io/apimachinery), which
#   decodes the built-in objects of a kustomize build strictly, as `kubectl apply --validate=strict` does.
# danielqsj/kafka_exporter (what Strimzi's `spec.kafkaExporter` runs) is not installed: the Go module proxy refuses
# every version of it here (403), see README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KUSTOMIZE_VERSION=v5.7.1
bin="$here/.bin"
mkdir -p "$bin"
command -v go >/dev/null 2>&1 || { echo "install-tools: go is required (kustomize, grafana-dashboard-check, k8s-strict-check)" >&2; exit 1; }
if ! "$bin/kustomize" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; then
  GOBIN="$bin" timeout 600 go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
"$bin/kustomize" version

# build_checker <source dir> <binary name>: rebuilt only when its sources or pins change (the stamp is their hash).
build_checker() {
  local src="$here/$1" name="$2" stamp
  stamp="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$bin/$name" ] || [ "$(cat "$bin/$name.stamp" 2>/dev/null)" != "$stamp" ]; then
    (cd "$src" && timeout 600 go build -mod=readonly -o "$bin/$name" .)
    echo "$stamp" >"$bin/$name.stamp"
  fi
}
pins() { grep -E "^[[:space:]]*(require[[:space:]]+)?($2) " "$here/$1/go.mod" | grep -v '// indirect' | tr -s ' \t' ' ' | sed -E 's/^ *(require +)?//' | paste -sd, | sed 's/,/, /g'; }

build_checker grafana-check grafana-dashboard-check
echo "grafana-dashboard-check: $(pins grafana-check 'github.com/grafana/grafana-foundation-sdk/go')"
build_checker k8s-check k8s-strict-check
echo "k8s-strict-check: $(pins k8s-check 'k8s.io/api|k8s.io/apimachinery')"
