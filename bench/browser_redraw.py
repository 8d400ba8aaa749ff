"""Chromium: time from a filter change, and from Back or Forward, to every chart redrawn,
against a running server.

    make run   # in another terminal (or any server with the demo data)
    PYTHONPATH=. .venv/bin/python bench/browser_redraw.py http://127.0.0.1:8000 admin PASSWORD

Toggles one stage box on and off 20 times: after the first two changes both views are
cached, so the median is the warm figure (server answer, swap, and Plotly drawing 7 charts).
Then Back and Forward in turn 20 times (timed in the page as bench/browser.py does), and how
many of them reloaded the page.
"""

import statistics
import sys
import time

from playwright.sync_api import sync_playwright

from bench.browser import HISTORY_DRAWN, HISTORY_GO, MARK_DRAWN

ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ALL_DRAWN = """() => {
  const region = document.querySelector('#dashboard-charts');
  if (!region || region.__old) return false;
  const charts = [...region.querySelectorAll('.plotly-chart')];
  return charts.length > 0 && charts.every((c) => c.querySelector('g.trace'));
}"""


def main(base, user, password, runs=20):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1366, "height": 900})
        page.add_init_script(MARK_DRAWN)
        page.goto(f"{base}/accounts/login/")
        page.fill("#id_username", user)
        page.fill("#id_password", password)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.wait_for_function(ALL_DRAWN)
        page.click("summary:has-text('Stage')")
        times = []
        for _ in range(runs):
            page.evaluate("document.querySelector('#dashboard-charts').__old = true")
            started = time.perf_counter()
            page.click("input[name=stage][value=construction]")
            page.wait_for_function(ALL_DRAWN, polling="raf")
            times.append((time.perf_counter() - started) * 1000)
        steps, reloads = [], 0
        for i in range(runs):
            started_at = page.evaluate(HISTORY_GO, -1 if i % 2 == 0 else 1)
            drawn = page.wait_for_function(HISTORY_DRAWN, polling="raf").json_value()
            steps.append(drawn["at"] - started_at)
            reloads += not drawn["sameWindow"]
        browser.close()
    warm = times[2:]
    print(
        f"filter change → every chart redrawn, warm: median {statistics.median(warm):.0f} ms, "
        f"min {min(warm):.0f}, max {max(warm):.0f} (n={len(warm)}); first two (cold): "
        f"{times[0]:.0f}, {times[1]:.0f} ms"
    )
    print(
        f"Back/Forward → every chart redrawn: median {statistics.median(steps):.0f} ms, "
        f"min {min(steps):.0f}, max {max(steps):.0f} (n={len(steps)}); {reloads} reloaded the page"
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
