#!/usr/bin/env bash
# Publishes one core NATS message without a NATS client: scripts/nats-pub.sh SUBJECT 'JSON'
# Speaks the NATS text protocol over bash /dev/tcp (CONNECT, PUB, PING/PONG so the server has it before we close).
# Env: NATS_HOST (127.0.0.1), NATS_PORT (4222).
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 SUBJECT PAYLOAD" >&2; exit 2; }
subject=$1
payload=$2
host=${NATS_HOST:-127.0.0.1}
port=${NATS_PORT:-4222}
[[ "$subject" =~ ^[A-Za-z0-9_.*\>-]+$ ]] || { echo "bad subject: $subject" >&2; exit 2; }
exec 3<>"/dev/tcp/$host/$port" || { echo "NATS not reachable on $host:$port" >&2; exit 1; }
read -r -t 5 info <&3 || { echo "no INFO from NATS" >&2; exit 1; }
bytes=$(printf '%s' "$payload" | LC_ALL=C wc -c | tr -d ' ')
printf 'CONNECT {"verbose":false,"pedantic":false,"name":"nats-pub.sh"}\r\nPUB %s %s\r\n%s\r\nPING\r\n' \
    "$subject" "$bytes" "$payload" >&3
while read -r -t 5 line <&3; do
    case "$line" in
        PONG*) exit 0 ;;
        -ERR*) echo "NATS: $line" >&2; exit 1 ;;
    esac
done
echo "no PONG from NATS" >&2
exit 1
