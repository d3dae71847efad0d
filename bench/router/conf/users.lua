-- 1000 distinct users, X-User-Id header, requests pre-formatted in init (cheap per-request path).
-- Copy of the shared anchor with two additions: Host: bench (the router picks the service by Host; nginx and the
-- upstreams ignore it) and a done() that prints one JSON line for run.sh (exact counts and percentiles in µs).
local reqs = {}
local i = 0
init = function(args)
  for n = 1, 1000 do
    reqs[n] = wrk.format("GET", "/", { ["Host"] = "bench", ["X-User-Id"] = "user-" .. n })
  end
end
request = function()
  i = i % 1000 + 1
  return reqs[i]
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"p50_us":%d,"p90_us":%d,"p99_us":%d,"p999_us":%d,"max_us":%d,"mean_us":%.1f}\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9),
    latency.max, latency.mean))
end
