"""Chromium half of bench/run: first load, repeat load and filter change, timed in the page.

Debian's Chromium through Playwright, with the launch flags of tests/conftest.py. Logged in by
the session cookie bench/run got from the login form. Times come from the page's own clock
(performance.now(), whose zero is the start of the navigation), not from Playwright's round
trips; bytes from the DevTools protocol (Network.loadingFinished encodedDataLength: what came
over the wire, headers included; 0 for a response served from the browser's cache).

- first load: a new browser context each run (empty cache), until every chart has drawn
  (each .plotly-chart holds a drawn trace); median over the runs;
- repeat load: the same context navigates to the page again (a new navigation, not a reload):
  what is still transferred, and which URLs;
- filter change: the Stage box "construction" ticked and unticked in turn; the time from the
  click to every chart of the swapped region drawn; both views are cached on the server first,
  so every measured change is warm; median over the runs;
- Back and Forward: after the filter changes (each pushed an address), Back and Forward in
  turn, each to the other view; the time from `history.go()` to every chart of the new region
  drawn, from the browser's absolute clock (performance.timeOrigin + now()), so that a Back
  that reloads the whole page is timed as well; how many of them reloaded it (a marker on
  `window` did not survive).
- scenario form: on the demo's "Everything a year late", the slip of development set to 18
  and back to 12 in turn in the scenario form (an input event, as a keystroke or an arrow of
  the number field gives); the time from the move to every chart of the swapped region drawn;
  both values are drawn once first (warm); median over the runs. scenario.js sends a move
  after a quiet spell at once (moves within 250 ms of a request are gathered), so the time is
  the move's, with no debounce wait in it when the moves are apart, as here.
"""

import statistics

from playwright.sync_api import sync_playwright

from bench.common import percentile

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
VIEWPORT = {"width": 1366, "height": 900}

# Before any script of the page: note the moment every chart of the page has drawn
# (window.__benchDrawnAt, on the page's clock), and, on every charts region that appears later
# (a filter change, Back, Forward) and is not marked old, the moment all of its charts show
# their own figure (region.__benchDrawnAt, absolute: timeOrigin + now). The loop runs for the
# page's life; once a region is noted it costs one property read a frame.
MARK_DRAWN = """(() => {
  const shows = (c) => c.querySelector('g.trace')
    && c.__drawnFigure === document.getElementById(c.dataset.figureId).textContent;
  const check = () => {
    const region = document.querySelector('#dashboard-charts');
    if (region && !region.__benchOld && region.__benchDrawnAt === undefined) {
      const charts = [...region.querySelectorAll('.plotly-chart')];
      if (charts.length && charts.every(shows)) {
        region.__benchDrawnAt = performance.timeOrigin + performance.now();
        if (window.__benchDrawnAt === undefined) window.__benchDrawnAt = performance.now();
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
})();"""

# Back (-1) or Forward (1): mark this region old and this window, then move in the history.
HISTORY_GO = """(step) => {
  const region = document.querySelector('#dashboard-charts');
  if (region) region.__benchOld = true;
  window.__benchSameWindow = true;
  const started = performance.timeOrigin + performance.now();
  history.go(step);
  return started;
}"""

# A new region (after Back or Forward) has drawn: when, and whether the window is the same one.
HISTORY_DRAWN = """() => {
  const region = document.querySelector('#dashboard-charts');
  if (!region || region.__benchOld || region.__benchDrawnAt === undefined) return null;
  return {at: region.__benchDrawnAt, sameWindow: window.__benchSameWindow === true,
          charts: region.querySelectorAll('.plotly-chart').length, url: location.href};
}"""

# The demo scenario the scenario step moves a value of, and the field it moves.
SCENARIO = "everything-a-year-late"
SCENARIO_FIELD = "slip_development_months"

SCENARIO_MOVE = """async ([name, value]) => {
  const shows = (c) => c.querySelector('g.trace')
    && c.__drawnFigure === document.getElementById(c.dataset.figureId).textContent;
  const region = document.querySelector('#dashboard-charts');
  region.__benchOld = true;
  const input = document.querySelector(`[data-scenario-input][name=${name}]`);
  const started = performance.now();
  input.value = value;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  return await new Promise((resolve, reject) => {
    const check = () => {
      const now = performance.now();
      const fresh = document.querySelector('#dashboard-charts');
      if (fresh && !fresh.__benchOld) {
        const charts = [...fresh.querySelectorAll('.plotly-chart')];
        if (charts.length && charts.every(shows)) {
          resolve({ms: now - started, charts: charts.length, url: location.search});
          return;
        }
      }
      if (now - started > 300000) { reject(new Error('charts not redrawn in 300 s')); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}"""

FILTER_CHANGE = """async (value) => {
  // Drawn: a trace in the div, and charts.js's note that its drawing (Plotly.react resolved)
  // shows the figure of the div's own data island, the new one.
  const shows = (c) => c.querySelector('g.trace')
    && c.__drawnFigure === document.getElementById(c.dataset.figureId).textContent;
  const region = document.querySelector('#dashboard-charts');
  region.__benchOld = true;
  const box = document.querySelector(`input[name=stage][value=${value}]`);
  const started = performance.now();
  box.click();
  return await new Promise((resolve, reject) => {
    const check = () => {
      const now = performance.now();
      const fresh = document.querySelector('#dashboard-charts');
      if (fresh && !fresh.__benchOld) {
        const charts = [...fresh.querySelectorAll('.plotly-chart')];
        if (charts.length && charts.every(shows)) {
          // charts.js draws the charts in view first (up to 200 px below the edge): when those
          // were done, from its note on each div.
          const seen = charts.filter((c) => c.getBoundingClientRect().top < innerHeight + 200);
          const inView = seen.length ? Math.max(...seen.map((c) => c.__drawnAt)) - started : null;
          resolve({ms: now - started, inView, charts: charts.length});
          return;
        }
      }
      if (now - started > 300000) { reject(new Error('charts not redrawn in 300 s')); return; }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}"""


class Wire:
    """Per-request bytes of one page, from the DevTools protocol."""

    def __init__(self, cdp):
        self.requests = {}
        cdp.on("Network.responseReceived", self._response)
        cdp.on("Network.loadingFinished", self._finished)
        cdp.on("Network.requestServedFromCache", self._cached)
        cdp.send("Network.enable")

    def _entry(self, request_id):
        return self.requests.setdefault(
            request_id, {"url": "", "bytes": 0, "from_cache": False, "status": None}
        )

    def _response(self, event):
        entry = self._entry(event["requestId"])
        response = event["response"]
        headers = {k.lower(): v for k, v in response.get("headers", {}).items()}
        entry.update(
            url=response["url"],
            status=response["status"],
            type=event.get("type", ""),
            from_cache=entry["from_cache"] or bool(response.get("fromDiskCache")),
            cache_control=headers.get("cache-control", ""),
            content_encoding=headers.get("content-encoding", ""),
        )

    def _finished(self, event):
        self._entry(event["requestId"])["bytes"] = int(event.get("encodedDataLength", 0))

    def _cached(self, event):
        self._entry(event["requestId"])["from_cache"] = True

    def take(self):
        out = [r for r in self.requests.values() if r["url"]]
        self.requests = {}
        return out


def _transferred(requests):
    return sum(r["bytes"] for r in requests)


def _strip(url, base):
    return url[len(base) :] if url.startswith(base) else url


def measure(base, session_cookie, *, first_runs=5, filter_runs=20, filter_warmup=2, timeout_s=300):
    timeout = timeout_s * 1000
    cookie = {"name": "sessionid", "value": session_cookie, "url": base}
    console_errors = []
    first, repeat, resources = [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        version = browser.version
        try:
            for run in range(first_runs + 1):  # run 0: warms the server and the OS, not counted
                context = browser.new_context(viewport=VIEWPORT)
                context.add_cookies([cookie])
                context.add_init_script(MARK_DRAWN)
                page = context.new_page()
                page.set_default_timeout(timeout)
                page.on(
                    "console",
                    lambda m: console_errors.append(m.text) if m.type == "error" else None,
                )
                wire = Wire(context.new_cdp_session(page))
                page.goto(base + "/", wait_until="load")
                page.wait_for_function("() => window.__benchDrawnAt !== undefined", timeout=timeout)
                page.wait_for_load_state("networkidle")
                timing = page.evaluate(
                    """() => { const n = performance.getEntriesByType('navigation')[0];
                    const seen = [...document.querySelectorAll('#dashboard-charts .plotly-chart')]
                      .filter((c) => c.getBoundingClientRect().top < innerHeight + 200);
                    return {drawn: window.__benchDrawnAt, dcl: n.domContentLoadedEventEnd,
                            inView: Math.max(...seen.map((c) => c.__drawnAt || 0)),
                            load: n.loadEventEnd, ttfb: n.responseStart}; }"""
                )
                requests = wire.take()
                if run:
                    first.append({**timing, "bytes": _transferred(requests)})
                    resources = requests
                if run == first_runs:
                    page.goto("about:blank")
                    wire.take()
                    page.goto(base + "/", wait_until="load")
                    page.wait_for_function(
                        "() => window.__benchDrawnAt !== undefined", timeout=timeout
                    )
                    page.wait_for_load_state("networkidle")
                    repeat_timing = page.evaluate("() => window.__benchDrawnAt")
                    repeat = wire.take()
                    changes = _filter_changes(page, wire, filter_runs, filter_warmup)
                    steps = _history_steps(page, wire, filter_runs, filter_warmup, timeout)
                    moves = _scenario_moves(page, wire, base, filter_runs, filter_warmup, timeout)
                context.close()
        finally:
            browser.close()

    def med(key):
        return statistics.median(r[key] for r in first)

    transferred_again = [
        {"url": _strip(r["url"], base), "bytes": r["bytes"], "status": r["status"]}
        for r in repeat
        if r["bytes"] > 0 and not r["from_cache"]
    ]
    warm = [c["ms"] for c in changes["runs"]]
    back = [r["ms"] for r in steps["runs"]]
    moved = [r["ms"] for r in moves["runs"]]
    return {
        "chromium": version,
        "first_load": {
            "runs": len(first),
            "drawn_ms_median": med("drawn"),
            "in_view_drawn_ms_median": med("inView"),  # the charts in view (charts.js: first)
            "drawn_ms_all": [round(r["drawn"], 1) for r in first],
            "dom_content_loaded_ms_median": med("dcl"),
            "load_event_ms_median": med("load"),
            "ttfb_ms_median": med("ttfb"),
            "bytes": first[-1]["bytes"],
            "resources": [
                {
                    "url": _strip(r["url"], base),
                    "bytes": r["bytes"],
                    "status": r["status"],
                    "type": r.get("type", ""),
                    "cache_control": r.get("cache_control", ""),
                    "content_encoding": r.get("content_encoding", ""),
                }
                for r in sorted(resources, key=lambda r: -r["bytes"])
            ],
        },
        "repeat_load": {
            "drawn_ms": repeat_timing,
            "bytes": _transferred(repeat),
            "transferred": transferred_again,
        },
        "filter_change": {
            "runs": len(warm),
            "warmup_runs": filter_warmup,
            "ms_median": statistics.median(warm),
            "ms_p95": percentile(warm, 95),
            "ms_min": min(warm),
            "ms_max": max(warm),
            "ms_all": [round(v, 1) for v in warm],
            "in_view_ms_median": statistics.median(
                c["in_view"] for c in changes["runs"] if c["in_view"] is not None
            ),
            "bytes_median": statistics.median(c["bytes"] for c in changes["runs"]),
            "charts": changes["charts"],
        },
        "back_forward": {
            "runs": len(steps["runs"]),
            "warmup_runs": filter_warmup,
            "ms_median": statistics.median(back),
            "ms_p95": percentile(back, 95),
            "ms_min": min(back),
            "ms_max": max(back),
            "ms_all": [round(v, 1) for v in back],
            "full_reloads": sum(not r["same_window"] for r in steps["runs"]),
            "bytes_median": statistics.median(r["bytes"] for r in steps["runs"]),
            "charts": steps["charts"],
        },
        "scenario_move": {
            "scenario": SCENARIO,
            "field": SCENARIO_FIELD,
            "runs": len(moved),
            "warmup_runs": filter_warmup,
            "ms_median": statistics.median(moved),
            "ms_p95": percentile(moved, 95),
            "ms_min": min(moved),
            "ms_max": max(moved),
            "ms_all": [round(v, 1) for v in moved],
            "bytes_median": statistics.median(r["bytes"] for r in moves["runs"]),
            "charts": moves["charts"],
        },
        "console_errors": console_errors[:20],
        "console_error_count": len(console_errors),
    }


def _filter_changes(page, wire, runs, warmup):
    page.click("summary:has-text('Stage')")
    out = []
    charts = 0
    for i in range(warmup + runs):
        wire.take()
        result = page.evaluate(FILTER_CHANGE, "construction")
        page.wait_for_load_state("networkidle")
        charts = result["charts"]
        if i >= warmup:
            bytes_ = _transferred(wire.take())
            out.append({"ms": result["ms"], "in_view": result["inView"], "bytes": bytes_})
    return {"runs": out, "charts": charts}


def _history_steps(page, wire, runs, warmup, timeout):
    """Back and Forward in turn after the filter changes: each step goes to the other view (the
    changes toggled one box, so neighbouring history entries differ). Both views are cached
    on the server; the first `warmup` steps are not counted."""
    out = []
    charts = 0
    for i in range(warmup + runs):
        wire.take()
        started = page.evaluate(HISTORY_GO, -1 if i % 2 == 0 else 1)
        handle = page.wait_for_function(HISTORY_DRAWN, polling="raf", timeout=timeout)
        drawn = handle.json_value()
        page.wait_for_load_state("networkidle")
        charts = drawn["charts"]
        if i >= warmup:
            out.append(
                {
                    "ms": drawn["at"] - started,
                    "same_window": drawn["sameWindow"],
                    "bytes": _transferred(wire.take()),
                }
            )
    return {"runs": out, "charts": charts}


def _scenario_moves(page, wire, base, runs, warmup, timeout):
    """The scenario form's slip of development moved between 18 and 12 months in turn, on the
    demo scenario; the first `warmup` moves draw (and cache) both values, not counted. Moves
    are apart (a network idle between them), as a reader's are."""
    page.goto(f"{base}/?scenario={SCENARIO}", wait_until="load")
    page.wait_for_function("() => window.__benchDrawnAt !== undefined", timeout=timeout)
    page.wait_for_load_state("networkidle")
    out = []
    charts = 0
    for i in range(warmup + runs):
        wire.take()
        result = page.evaluate(SCENARIO_MOVE, [SCENARIO_FIELD, "18" if i % 2 == 0 else "12"])
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(300)  # past scenario.js's gathering window: each move is apart
        charts = result["charts"]
        if i >= warmup:
            out.append({"ms": result["ms"], "bytes": _transferred(wire.take())})
    return {"runs": out, "charts": charts}
