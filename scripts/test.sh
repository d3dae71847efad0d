#!/usr/bin/env bash
# Runs every test against real local NATS and PostgreSQL: scripts/test.sh [extra maven args]
# With CI set, formatting and import order are checked instead of applied. A full run (no extra args) then runs the
# end-to-end checks on the packaged services (scripts/check-router-e2e.sh).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
missing=()
command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
# the health-scorer's Prometheus source is tested against a real Prometheus, which the test starts itself
command -v prometheus >/dev/null || missing+=(prometheus)
# the orchestrator's dashboard vendors its charting library with npm at build time and is tested in headless Chromium
command -v npm >/dev/null || missing+=(npm)
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "test: installing ${missing[*]}" >&2
    if [[ "$(id -u)" -eq 0 ]]; then SUDO=(); else SUDO=(sudo); fi
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
    "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
scripts/dev-infra.sh up

args=(-B verify)
if [[ -n "${CI:-}" ]]; then
    args+=(-Dformat.goal=validate -Dimpsort.goal=check)
fi
./mvnw "${args[@]}" "$@"
if [[ $# -eq 0 ]]; then
    scripts/check-router-e2e.sh --skip-build
    # the Kubernetes manifests: rendered with kubectl kustomize, validated offline (npm kubernetes-models)
    if command -v kubectl >/dev/null && command -v npm >/dev/null; then
        scripts/check-k8s.sh
    elif [[ -n "${CI:-}" ]]; then
        echo "test: kubectl and npm are needed to check deploy/k8s" >&2
        exit 1
    else
        echo "test: deploy/k8s not checked (needs kubectl and npm; scripts/check-k8s.sh)" >&2
    fi
fi
