#!/usr/bin/env bash
# Installs the pinned tools the deploy-check tests run, into tools/deploy-check/.bin (git-ignored). Idempotent:
# a tool already at the pinned version is left alone. kustomize comes from the Go module proxy (`go install`).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
KUSTOMIZE_VERSION=v5.7.1
bin="$here/.bin"
mkdir -p "$bin"
if ! "$bin/kustomize" version 2>/dev/null | grep -q "$KUSTOMIZE_VERSION"; then
  command -v go >/dev/null 2>&1 || { echo "install-tools: go is required to install kustomize" >&2; exit 1; }
  GOBIN="$bin" timeout 600 go install "sigs.k8s.io/kustomize/kustomize/v5@$KUSTOMIZE_VERSION"
fi
"$bin/kustomize" version
