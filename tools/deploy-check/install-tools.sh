#!/usr/bin/env bash
# Installs the pinned tools the deploy-check tests run, into tools/deploy-check/.bin (git-ignored). Idempotent:
# a tool already at the pinned version is left alone. Both come through the Go module proxy:
# - kustomize (`go install`), which builds the overlays;
# - grafana-dashboard-check, built from ./grafana-check (its go.mod/go.sum pin Grafana's foundation SDK), which
#   decodes the dashboard strictly with the SDK's generated dashboard types.
# danielqsj/kafka_exporter (what Strimzi's `spec.kafkaExporter` runs) is not installed: the Go module proxy refuses
# every version of it here (403), see README.md.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KUSTOMIZE_VERSION=v5.7.1
bin="$here/.bin"
mkdir -p "$bin"
command -v go >/dev/null 2>&1 || { echo "install-tools: go is required (kustomize, grafana-dashboard-check)" >&2; exit 1; }
if ! "$bin/kustomize" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; then
  GOBIN="$bin" timeout 600 go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
"$bin/kustomize" version

# Rebuilt only when its sources or pins change (the stamp is their hash).
src="$here/grafana-check"
stamp="$(cat "$src/go.mod" "$src/go.sum" "$src/main.go" | sha256sum | cut -d' ' -f1)"
if [ ! -x "$bin/grafana-dashboard-check" ] || [ "$(cat "$bin/grafana-dashboard-check.stamp" 2>/dev/null)" != "$stamp" ]; then
  (cd "$src" && timeout 600 go build -mod=readonly -o "$bin/grafana-dashboard-check" .)
  echo "$stamp" >"$bin/grafana-dashboard-check.stamp"
fi
echo "grafana-dashboard-check: $(grep grafana-foundation-sdk "$src/go.mod" | tr -s ' \t' ' ' | sed 's/^ *require *//')"
