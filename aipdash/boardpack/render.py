"""The board pack as a PDF: the print view (pack.py) printed by headless Chromium.

`render_board_pack(view, made_by=...)` is the one entry point (the job here, the digests'
attachment). The print view's HTML is rendered in this process; Chromium is given it and our
static files through request interception at an address of its own (`PACK_ORIGIN`), and every
other request is refused: the worker needs no web server, no session and no network, and the
page can reach nothing but plotly.js, charts.js, the CSS and the map's topology. It waits until
charts.js has drawn every chart, then prints (A4 landscape, page numbers and a footer on every
page).

Playwright's sync API runs in a thread of its own: it refuses to start in a thread that already
runs an asyncio loop (a test session's own Playwright, an ASGI server).
"""

import datetime as dt
import logging
import mimetypes
import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils.html import escape
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Route, sync_playwright

from aipdash.boardpack import pack
from aipdash.boardpack.pack import PackView, ViewUnavailable

logger = logging.getLogger("aipdash.boardpack")

PACK_ORIGIN = "http://boardpack.aipdash.invalid"  # never resolved: every request is answered here
PACK_PATH = "/pack/"
VIEWPORT = {"width": 1032, "height": 700}  # px: A4 landscape's width less the margins (CSS)
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# Every chart drawn: charts.js sets __drawnFigure on a div once its figure is drawn.
ALL_DRAWN = """() => {
  const divs = [...document.querySelectorAll('.plotly-chart[data-figure-id]')];
  const island = (d) => document.getElementById(d.dataset.figureId).textContent;
  return document.readyState === 'complete'
    && divs.every((d) => d.__drawnFigure && d.__drawnFigure === island(d));
}"""

Progress = Callable[[int, str], None]  # step done (of STEPS), what is being done
STEPS = 5


class PackFailed(Exception):
    """No PDF could be made, for a reason in words (no Chromium, a chart that never drew)."""


@dataclass
class Timings:
    """Seconds each part took: the data and HTML, Chromium's start, the page's load until every
    chart is drawn, the printing."""

    html: float = 0.0
    browser: float = 0.0
    load: float = 0.0
    print: float = 0.0
    parts: dict[str, float] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return self.html + self.browser + self.load + self.print


@dataclass
class Pack:
    pdf: bytes
    timings: Timings


def render_board_pack(view: PackView, *, made_by: str) -> bytes:
    """The board pack of `view` as PDF bytes; `made_by` is printed on its cover ("Ana Silva").
    Raises ViewUnavailable (the view cannot be shown: wrong filters, a dead link) or PackFailed
    (no Chromium, a chart that never drew), each with its reason in words."""
    return make_pack(view, made_by=made_by).pdf


def make_pack(
    view: PackView,
    *,
    made_by: str,
    made_at: dt.datetime | None = None,
    progress: Progress | None = None,
) -> Pack:
    """render_board_pack, with the time of each part, reporting each step to `progress`."""
    report = progress or (lambda step, words: None)
    timings = Timings()
    started = time.perf_counter()
    report(0, "Reading the figures")
    context = pack.context(pack.resolve(view), made_by=made_by, made_at=made_at)
    document = render_to_string(pack.PACK_TEMPLATE, context)
    page_footer = footer(context["title"], context["made_at"])
    timings.html = time.perf_counter() - started
    chromium = settings.BOARDPACK_CHROMIUM
    if not os.access(chromium, os.X_OK):
        raise PackFailed(
            "Board packs cannot be made on this server: the Chromium browser that prints them "
            f"is not installed ({chromium} is missing). An administrator installs Debian's "
            "package chromium on the machine that runs the jobs (docs/operations.md)."
        )
    report(1, "Starting the browser")
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="boardpack") as pool:
        pdf = pool.submit(_print, document, page_footer, chromium, timings, report).result()
    logger.info(
        "board pack: %s bytes in %.2f s (html %.2f, browser %.2f, load %.2f, print %.2f)",
        len(pdf),
        timings.total,
        timings.html,
        timings.browser,
        timings.load,
        timings.print,
    )
    return Pack(pdf=pdf, timings=timings)


def footer(title: str, made_at: dt.datetime) -> str:
    """Chromium's footer on every page (its own markup, outside the page: inline style is its
    only way): what the pack is, when it was made, the page's number of all."""
    return (
        '<div style="width:100%;font-size:7pt;color:#566275;padding:0 12mm;display:flex;'
        'justify-content:space-between;font-family:system-ui,sans-serif;">'
        f"<span>AIP Dashboard · board pack · {escape(title)} · made "
        f"{made_at:%-d %b %Y, %H:%M %Z}</span>"
        '<span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span>'
        "</div>"
    )


def _print(
    document: str, page_footer: str, chromium: str, timings: Timings, report: Progress
) -> bytes:
    timeout_ms = settings.BOARDPACK_TIMEOUT_SECONDS * 1000
    started = time.perf_counter()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium, args=LAUNCH_ARGS, headless=True
            )
            try:
                page = browser.new_page(
                    viewport=VIEWPORT,  # type: ignore[arg-type]
                    locale="en-GB",  # the footer's date
                    timezone_id=settings.TIME_ZONE,
                )
                page.set_default_timeout(timeout_ms)
                page.emulate_media(media="print")  # laid out (and charts drawn) as printed
                page.route("**/*", lambda route: _answer(route, document))
                timings.browser = time.perf_counter() - started
                report(2, "Drawing the charts")
                started = time.perf_counter()
                page.goto(PACK_ORIGIN + PACK_PATH, wait_until="load")
                try:
                    page.wait_for_function(ALL_DRAWN, timeout=timeout_ms)
                except PlaywrightError:
                    raise PackFailed(
                        "A chart of the board pack did not finish drawing in time; nothing was "
                        "made. Try again; if it happens again, tell an administrator."
                    ) from None
                timings.load = time.perf_counter() - started
                report(3, "Printing the pages")
                started = time.perf_counter()
                pdf = page.pdf(
                    prefer_css_page_size=True,
                    print_background=True,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=page_footer,
                    outline=True,
                    tagged=True,
                )
                timings.print = time.perf_counter() - started
                return pdf
            finally:
                browser.close()
    except PlaywrightError as error:
        logger.exception("board pack: Chromium failed")
        raise PackFailed(
            "The browser that prints board packs failed "
            f"({str(error).splitlines()[0][:200]}); nothing was made. Try again; if it happens "
            "again, tell an administrator (the worker's log has the details)."
        ) from error


def _answer(route: Route, document: str) -> None:
    """The pack's page itself and our static files; nothing else (no network at all)."""
    url = urlsplit(route.request.url)
    if f"{url.scheme}://{url.netloc}" != PACK_ORIGIN:
        route.abort("blockedbyclient")
        return
    if url.path == PACK_PATH:
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=document)
        return
    static = _static_file(unquote(url.path))
    if static is None:
        route.fulfill(status=404, body="")
        return
    kind = mimetypes.guess_type(static.name)[0] or "application/octet-stream"
    route.fulfill(status=200, content_type=kind, body=static.read_bytes())


def _static_file(path: str) -> Path | None:
    """The static file a URL path names (the hashed names of a collected build, or the app's
    folders in development), or None."""
    prefix = (
        settings.STATIC_URL if settings.STATIC_URL.startswith("/") else "/" + settings.STATIC_URL
    )
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    if ".." in name.split("/"):
        return None
    if settings.STATIC_ROOT:
        collected = Path(settings.STATIC_ROOT) / name
        if collected.is_file():
            return collected
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except NotImplementedError:  # a storage with no local files
        pass
    found = finders.find(name)
    return Path(found) if isinstance(found, str) else None


__all__ = [
    "Pack",
    "PackFailed",
    "PackView",
    "Timings",
    "ViewUnavailable",
    "make_pack",
    "render_board_pack",
]
