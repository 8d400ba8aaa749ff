"""What the browser tests share: watching the CSP, signing in (site and admin), waiting for the
charts, and axe-core's accessibility check.

axe-core is vendored for the tests only (tests/browser/vendor/axe.min.js, MPL-2.0, its licence
beside it); the app never serves it. The pages' CSP allows no inline script, so the source is run
through Playwright's evaluate (a DevTools call, which the page's CSP does not govern).
"""

from pathlib import Path

from playwright.sync_api import expect

from aipdash.dashboard.filters import DashboardFilters
from aipdash.sharing import services
from tests.factories import PASSWORDS

# Collects every CSP violation the page reports: page.add_init_script(WATCH_CSP) before the
# first goto, then csp_violations(page).
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def csp_violations(page):
    """The violations seen since the page loaded; None when WATCH_CSP was not installed."""
    return page.evaluate("window.__cspViolations")


ABORTED = "aip-test: a request aborted on purpose"
SETTLED = "aip-test: a swap settled"
ABORT_LINES = ("htmx:afterRequest", "htmx:sendAbort", "undefined")
WATCH_ABORTS = f"""
document.addEventListener('htmx:abort', () => console.debug({ABORTED!r}), true);
document.addEventListener('htmx:afterSettle', () => console.debug({SETTLED!r}), true);
"""


def watch(page):
    """Watch the page for CSP violations, console errors and uncaught exceptions; the last
    two are collected in page.problems."""
    problems = []
    page.add_init_script(WATCH_CSP)
    page.add_init_script(WATCH_ABORTS)
    aborting = {"now": False}

    def on_console(message):
        # charts.js aborts a request in flight on purpose (Back while a view loads), and htmx
        # logs every aborted request as an error: those lines, between the abort and the next
        # settled swap, are not problems; any other error is.
        if message.type == "debug" and message.text in (ABORTED, SETTLED):
            aborting["now"] = message.text == ABORTED
        elif message.type == "error":
            if aborting["now"] and message.text.startswith(ABORT_LINES):
                return
            problems.append(message.text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    return page


# Every chart on the page (dashboard, partner, project or shared view) has drawn its marks.
ALL_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.plotly-chart')];
  return charts.length > 0 && charts.every((c) => c.querySelector('g.trace'));
}"""

# The dashboard's charts region, swapped in after a filter change, has drawn every chart with
# its new figure. Mark the old region first (`document.querySelector('#dashboard-charts').__old
# = true`). charts.js keeps drawn charts across the swap and redraws those out of view later
# (issue 16): a kept chart has its marks before it shows the new figure, so each chart's drawn
# figure (`__drawnFigure`) is compared with its data island.
REGION_DRAWN = """() => {
  const region = document.querySelector('#dashboard-charts');
  if (!region || region.__old) return false;
  const charts = [...region.querySelectorAll('.plotly-chart')];
  return charts.length > 0 && charts.every((c) => {
    const island = document.getElementById(c.dataset.figureId);
    return c.querySelector('g.trace') && island && c.__drawnFigure === island.textContent;
  });
}"""


def sign_in(page, base, user):
    """Sign `user` (the viewer or editor fixture) in through the site's login form; return once
    the dashboard has drawn its charts."""
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORDS[user.username])
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/")
    page.wait_for_function(ALL_DRAWN)


def admin_sign_in(page, base, username, password):
    """Sign in through the admin's login form; return once the admin's index shows."""
    page.goto(f"{base}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    expect(page.locator("#site-name")).to_contain_text("AIP Dashboard")
    return page


# Phones -----------------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}

# Anything wider than the window, and the charts' drawn width against their card's.
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const charts = [...document.querySelectorAll('.plotly-chart')].map((c) => {
    const svg = c.querySelector('svg.main-svg');
    return [c.dataset.figureId, svg ? svg.getBoundingClientRect().width : 0,
            c.getBoundingClientRect().width];
  });
  return {scroll: document.documentElement.scrollWidth, width, charts};
}"""


def brightness(colour):
    """0 (black) to 255 (white), from "rgb(r, g, b)"."""
    r, g, b = (float(x) for x in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3])
    return 0.299 * r + 0.587 * g + 0.114 * b


# The pages a person reads -----------------------------------------------------------------------


def committee_link(user):
    """A shared link of GIP and MGX, partner and stage left open to the reader."""
    return services.create(
        user=user,
        label="For the investment committee",
        filters=DashboardFilters(partner=("gip", "mgx")),
        open_filters=["partner", "stage"],
        days=30,
    )


def reading_pages(project_slug, token):
    """(name, path, has charts) for every page a signed-in person reads, with the demo data."""
    return [
        ("dashboard", "/", True),
        ("partner", "/partners/gip/", True),
        ("project", f"/projects/{project_slug}/", True),
        ("portfolio", "/portfolio/", False),
        ("share-form", "/shares/new/?partner=gip", False),
        ("shared-link", f"/s/{token}/", True),
    ]


def visit(page, base, pages):
    """Open each page in turn, its charts drawn and every <details> open (axe checks what is
    hidden only when it is shown); yields (name, has charts) with the page ready."""
    for name, path, charts in pages:
        page.goto(f"{base}{path}")
        if charts:
            page.wait_for_function(ALL_DRAWN)
        page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        yield name, charts


# axe-core ---------------------------------------------------------------------------------------

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"

# Every rule axe runs by default (WCAG 2.0-2.2 A and AA, and best practices), all impacts.
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => {
      const related = [...n.any, ...n.all, ...n.none]
        .flatMap((c) => c.relatedNodes.map((r) => r.html.slice(0, 120)));
      return `${n.target.join(" ")}: ${n.failureSummary}` +
        (related.length ? ` [related: ${related.slice(0, 3).join(" | ")}]` : "");
    }),
    count: v.nodes.length,
  }));
}"""


def axe_violations(page):
    """axe-core's violations on the page as it is now, as plain dicts."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;void 0")
    return page.evaluate(RUN_AXE)


def describe(violations):
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}, {v['count']}): {v['help']}")
        lines.extend(f"    {node}" for node in v["nodes"])
    return "\n".join(lines)


def assert_no_violations(found):
    """`found`: {page name: axe_violations(...)}; fails naming every page and violation."""
    report = {name: describe(v) for name, v in found.items() if v}
    assert not report, "\n\n".join(f"== {name}\n{text}" for name, text in report.items())
