#!/usr/bin/env bash
# Runs every test against real local NATS and PostgreSQL: scripts/test.sh [extra maven args]
# With CI set, formatting and import order are checked instead of applied.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
scripts/dev-infra.sh up

args=(-B verify)
if [[ -n "${CI:-}" ]]; then
    args+=(-Dformat.goal=validate -Dimpsort.goal=check)
fi
exec ./mvnw "${args[@]}" "$@"
