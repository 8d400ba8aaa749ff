-- wrk script of bench/run: counts responses by status in every thread, optionally rotates over
-- several paths, and prints one JSON object after the run (between two marker lines), with the
-- latency percentiles wrk's own --latency table lacks (p95).
--
--   wrk -t2 -c8 -d15s -s bench/wrk_report.lua http://127.0.0.1:8765/charts/x/ [-- /a/ /b/ ...]
--
-- Without paths after "--" every request is the URL's; with paths, each connection takes them in
-- turn. Latencies in the JSON are in microseconds.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  paths = {}
  for _, path in ipairs(args) do
    table.insert(paths, path)
  end
  turn = 0
end

function request()
  if #paths == 0 then
    return wrk.request()
  end
  turn = turn % #paths + 1
  return wrk.format(nil, paths[turn])
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
  local parts = {}
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then
      for code, n in pairs(s) do
        counts[code] = (counts[code] or 0) + n
      end
    end
  end
  local status_parts = {}
  for code, n in pairs(counts) do
    table.insert(status_parts, string.format('"%s": %d', code, n))
  end
  local e = summary.errors
  io.write("WRK-JSON-BEGIN\n")
  io.write("{")
  io.write(string.format('"duration_us": %d, "requests": %d, "bytes": %d, ',
    summary.duration, summary.requests, summary.bytes))
  io.write(string.format(
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ',
    e.connect, e.read, e.write, e.status, e.timeout))
  io.write('"statuses": {' .. table.concat(status_parts, ", ") .. '}, ')
  io.write(string.format(
    '"latency_us": {"min": %d, "mean": %.1f, "max": %d, "stdev": %.1f, '
    .. '"p50": %d, "p75": %d, "p90": %d, "p95": %d, "p99": %d, "p999": %d}',
    latency.min, latency.mean, latency.max, latency.stdev,
    latency:percentile(50), latency:percentile(75), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency:percentile(99.9)))
  io.write("}\n")
  io.write("WRK-JSON-END\n")
end
