#!/usr/bin/env python3
"""Diagnostic: where a proxy's request latency forms, from a loopback packet capture of a benchmark round.

Capture a few seconds of a round (pinned to wrk's core, so it disturbs the proxy's core least; the capture itself raises
both proxies' p99, so compare proxies under the same capture, never with a run's recorded figures):

    taskset -c 0 timeout 4 tcpdump -i lo -s 96 -B 262144 -w router.pcap \
        'tcp and (port 18000 or port 18181 or port 9001 or port 9002)'
    bench/router/pcap_latency.py router.pcap nginx.pcap

A loopback packet's timestamp is taken when its sender writes it, so per request (paired on its client connection):
  proxy side  wrk's request write -> the proxy's response write (waiting to be read, proxying, the upstream round trip)
  upstream    the proxy's request write -> the upstream's response write (the upstream and its core)
  wrk gap     the proxy's response write -> wrk's next request on that connection (wrk and its core)
and, for the slow requests (proxy side > --slow ms), whether they come in bursts across all connections (the proxy
stalled) or from a few connections (unfair service), and the gaps in the proxy's output.
"""
import argparse
import collections
import struct

PROXY_PORTS = (18000, 18181, 18183, 18191)
UPSTREAM_PORTS = (9001, 9002)


def packets(path):
    """(time in µs, source port, destination port) of each TCP segment with a payload, IPv4 over Ethernet (lo)."""
    with open(path, "rb") as f:
        header = f.read(24)
        magic, = struct.unpack("<I", header[:4])
        if magic not in (0xA1B2C3D4, 0xA1B23C4D):
            raise SystemExit("%s: not a little-endian pcap file" % path)
        nanos = magic == 0xA1B23C4D
        link, = struct.unpack("<I", header[20:24])
        if link != 1:
            raise SystemExit("%s: link type %d, expected Ethernet (capture on lo)" % (path, link))
        while True:
            record = f.read(16)
            if len(record) < 16:
                return
            sec, frac, incl, _ = struct.unpack("<IIII", record)
            data = f.read(incl)
            ip = data[14:]
            if len(ip) < 20 or ip[0] >> 4 != 4:
                continue
            ihl = (ip[0] & 15) * 4
            total, = struct.unpack(">H", ip[2:4])
            tcp = ip[ihl:]
            if len(tcp) < 13:
                continue
            sport, dport = struct.unpack(">HH", tcp[:4])
            payload = total - ihl - (tcp[12] >> 4) * 4
            if payload > 0:
                yield sec * 1e6 + (frac / 1000.0 if nanos else frac), sport, dport


def percentiles(values, ps=(50, 90, 99, 99.9)):
    if not values:
        return "none"
    values = sorted(values)
    n = len(values)
    return "  ".join("p%s %6.0f" % (p, values[min(n - 1, int(n * p / 100))]) for p in ps) + "  (n %d) µs" % n


def analyse(path, slow_ms):
    waiting = {}       # client port -> request write time
    answered = {}      # client port -> response write time
    upstream_out = {}  # proxy's upstream-side port -> request write time
    requests = []      # (request write, response write, client port)
    upstream, wrk_gap, proxy_out = [], [], []
    for t, sport, dport in packets(path):
        if dport in PROXY_PORTS:
            if sport in answered:
                wrk_gap.append(t - answered.pop(sport))
            waiting.setdefault(sport, t)
        elif sport in PROXY_PORTS:
            proxy_out.append(t)
            if dport in waiting:
                requests.append((waiting.pop(dport), t, dport))
                answered[dport] = t
        elif dport in UPSTREAM_PORTS:
            proxy_out.append(t)
            upstream_out.setdefault(sport, t)
        elif sport in UPSTREAM_PORTS and dport in upstream_out:
            upstream.append(t - upstream_out.pop(dport))
    print(path)
    if not requests:
        print("  no request/response pairs on ports %s" % (PROXY_PORTS,))
        return
    print("  proxy side %s" % percentiles([out - inn for inn, out, _ in requests]))
    print("  upstream   %s" % percentiles(upstream))
    print("  wrk gap    %s" % percentiles(wrk_gap))
    slow = [r for r in requests if r[1] - r[0] > slow_ms * 1000]
    start = requests[0][0]
    bins = collections.Counter(int((inn - start) / 10000) for inn, _, _ in slow)
    span = int((requests[-1][0] - start) / 10000) + 1
    per_connection = collections.Counter(port for _, _, port in slow)
    print("  slower than %g ms: %d (%.2f %%), in %d of %d 10-ms bins (largest %s), from %d of %d connections (most %s)" % (
        slow_ms, len(slow), 100.0 * len(slow) / len(requests), len(bins), span,
        [n for _, n in bins.most_common(5)], len(per_connection), len({p for _, _, p in requests}),
        sorted(per_connection.values())[-3:]))
    proxy_out.sort()
    gaps = [b - a for a, b in zip(proxy_out, proxy_out[1:])]
    print("  gaps in the proxy's output: " + ", ".join(
        "> %g ms %d (%.1f ms)" % (ms, sum(1 for g in gaps if g > ms * 1000), sum(g for g in gaps if g > ms * 1000) / 1000)
        for ms in (1, 2, 4)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("pcap", nargs="+")
    p.add_argument("--slow", type=float, default=3.0, help="a slow request's proxy-side time, ms (3)")
    args = p.parse_args()
    for path in args.pcap:
        analyse(path, args.slow)


if __name__ == "__main__":
    main()
