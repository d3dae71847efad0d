#!/usr/bin/env bash
# Renders every kustomize overlay of deploy/k8s and validates the output offline:
#   scripts/check-k8s.sh
# 1. `kubectl kustomize deploy/k8s/overlays/<env>` for dev, staging and prod (and the example Secret of base/postgres);
# 2. scripts/lib/validate-k8s.cjs builds every document as its class of the npm package kubernetes-models and validates it
#    against the Kubernetes OpenAPI schema, refuses unknown fields, then checks the house rules (probes, resources,
#    non-root security context, references between objects). The packages go to deploy/k8s/.validate/ (git-ignored) on
#    the first run; later runs need no network.
# Prints one line per overlay, or the kind/name and error of each failure; exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
K8S=deploy/k8s
WORK="$K8S/.validate"
OVERLAYS=(dev staging prod)

for tool in kubectl node npm; do
  command -v "$tool" >/dev/null || { echo "check-k8s: $tool not found" >&2; exit 2; }
done

if [[ ! -d "$WORK/node_modules/kubernetes-models" || ! -d "$WORK/node_modules/yaml" ]]; then
  echo "check-k8s: installing kubernetes-models and yaml into $WORK"
  mkdir -p "$WORK"
  [[ -f "$WORK/package.json" ]] || echo '{"private": true, "description": "scripts/check-k8s.sh validators (not committed)"}' > "$WORK/package.json"
  npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$WORK" 'kubernetes-models@^4.5' 'yaml@^2' >/dev/null
fi

status=0
render() { # <label> <kustomize dir>
  local out
  if ! out="$(kubectl kustomize "$2" 2>&1)"; then
    echo "FAIL $1: kubectl kustomize $2" >&2
    echo "$out" >&2
    return 1
  fi
  printf '%s\n' "$out" | node scripts/lib/validate-k8s.cjs "$WORK" "$1"
}

for overlay in "${OVERLAYS[@]}"; do
  render "$overlay" "$K8S/overlays/$overlay" || status=1
done
node scripts/lib/validate-k8s.cjs "$WORK" postgres/secret.example.yaml < "$K8S/base/postgres/secret.example.yaml" || status=1

if ((status == 0)); then
  echo "check-k8s: PASS (${OVERLAYS[*]})"
else
  echo "check-k8s: FAIL" >&2
fi
exit "$status"
