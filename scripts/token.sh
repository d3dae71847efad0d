#!/usr/bin/env bash
# Prints a bearer JWT (RS256) for local use: scripts/token.sh ROLE [NAME]
#
# ROLE is viewer, deployer, approver or admin; groups are cumulative (deployer => [viewer, deployer]).
# NAME (sub/upn) defaults to ROLE. The key pair lives in .avalo/keys/ (created with openssl on first use);
# services verify with .avalo/keys/public.pem and issuer "avalo-local".
# AVALO_TOKEN_TTL_SECONDS overrides the 12 hour lifetime.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KEYS="$ROOT/.avalo/keys"
ISSUER=avalo-local

usage() {
    echo "usage: $0 viewer|deployer|approver|admin [NAME]" >&2
    exit 2
}

[[ $# -ge 1 && $# -le 2 ]] || usage
ROLE="$1"
NAME="${2:-$ROLE}"
case "$ROLE" in
    viewer) GROUPS_JSON='["viewer"]' ;;
    deployer) GROUPS_JSON='["viewer","deployer"]' ;;
    approver) GROUPS_JSON='["viewer","deployer","approver"]' ;;
    admin) GROUPS_JSON='["viewer","deployer","approver","admin"]' ;;
    *)
        echo "token.sh: unknown role '$ROLE' (expected viewer, deployer, approver or admin)" >&2
        exit 2
        ;;
esac
[[ -n "$NAME" ]] || usage
TTL="${AVALO_TOKEN_TTL_SECONDS:-43200}"
[[ "$TTL" =~ ^[0-9]+$ ]] || { echo "token.sh: AVALO_TOKEN_TTL_SECONDS must be a number of seconds" >&2; exit 2; }

if [[ ! -s "$KEYS/private.pem" || ! -s "$KEYS/public.pem" ]]; then
    mkdir -p "$KEYS"
    chmod 700 "$KEYS"
    tmp="$(mktemp -d "$KEYS/.gen.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    (umask 077 && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$tmp/private.pem" 2>/dev/null)
    openssl pkey -in "$tmp/private.pem" -pubout -out "$tmp/public.pem"
    mv -f "$tmp/public.pem" "$KEYS/public.pem"
    mv -f "$tmp/private.pem" "$KEYS/private.pem"
    echo "token.sh: created key pair in $KEYS" >&2
fi

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
json_str() { # minimal JSON string escaping for NAME
    local s="${1//\\/\\\\}"
    s="${s//\"/\\\"}"
    printf '"%s"' "$s"
}

now="$(date +%s)"
name_json="$(json_str "$NAME")"
header='{"alg":"RS256","typ":"JWT"}'
payload="{\"iss\":\"$ISSUER\",\"sub\":$name_json,\"upn\":$name_json,\"groups\":$GROUPS_JSON,\"iat\":$now,\"exp\":$((now + TTL)),\"jti\":\"$(openssl rand -hex 16)\"}"
signing_input="$(printf '%s' "$header" | b64url).$(printf '%s' "$payload" | b64url)"
signature="$(printf '%s' "$signing_input" | openssl dgst -sha256 -sign "$KEYS/private.pem" -binary | b64url)"
printf '%s.%s\n' "$signing_input" "$signature"
