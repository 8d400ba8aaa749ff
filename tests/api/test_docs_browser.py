"""The interactive API docs and the API tokens page in Debian's Chromium, under the site's
strict CSP: Swagger UI (served from our static files) renders every operation, "Try it out"
answers with the logged-in session, and nothing breaks the policy or leaves the server.

Screenshots: test-screenshots/api-docs.png, api-docs-tried.png, api-tokens.png.
"""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}


def schema_get_operations() -> int:
    """The GET operations of the API's own OpenAPI document (the one the docs page draws)."""
    schema = SchemaGenerator(patterns=None).get_schema(request=None, public=True)
    return sum("get" in operations for operations in schema["paths"].values())


WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  const where = `${event.sourceFile}:${event.lineNumber}`;
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${where}`);
});
"""


@pytest.fixture
def watched(page, live_server, viewer, portfolio):
    problems, foreign = [], []
    page.set_viewport_size(DESKTOP)
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda msg: (
            problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: problems.append(f"page error: {exc}"))
    page.on(
        "response",
        lambda r: problems.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None,
    )
    page.on(
        "request",
        lambda r: (
            None if r.url.startswith((live_server.url, "data:", "blob:")) else foreign.append(r.url)
        ),
    )
    page.problems, page.foreign = problems, foreign
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill("viewer-pass-1234")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    return page


def assert_clean(page):
    assert page.evaluate("window.__cspViolations") == []
    assert page.problems == []
    assert page.foreign == []


def test_the_docs_render_and_try_a_request_under_the_strict_csp(watched, live_server, screenshot):
    page = watched
    response = page.goto(f"{live_server.url}/api/docs/")
    assert response.status == 200
    csp = response.headers["content-security-policy"]
    assert "script-src 'self' 'nonce-" in csp and "style-src 'self'" in csp
    assert "unsafe" not in csp  # the site's policy, not a weakened one
    page.locator(".opblock").first.wait_for()
    # Every GET operation of the schema is drawn (the headline and the notes included).
    assert page.locator(".opblock-get").count() == schema_get_operations()
    assert page.get_by_text("AIP Dashboard API").first.is_visible()
    page.wait_for_load_state("networkidle")
    screenshot("api-docs")
    assert_clean(page)

    chart = page.locator(".opblock-get", has=page.locator('[data-path="/api/charts/{chart}/"]'))
    chart.locator(".opblock-summary").click()
    chart.get_by_role("button", name="Try it out").click()
    chart.locator("select").first.select_option("capacity_pipeline")
    chart.get_by_role("button", name="Execute").click()
    status = chart.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for()
    assert status.inner_text().strip() == "200"
    assert (
        '"chart": "capacity_pipeline"' in chart.locator(".live-responses-table tbody").inner_text()
    )
    screenshot("api-docs-tried")
    assert_clean(page)


def test_make_and_copy_a_token_in_the_browser(watched, live_server, screenshot):
    page = watched
    page.get_by_role("link", name="API").click()
    page.wait_for_url(f"{live_server.url}/api-tokens/")
    page.get_by_label("Label").fill("Quarterly report script")
    page.get_by_role("button", name="Make the token").click()
    secret = page.locator("#api-token").input_value()
    assert secret.startswith("aipk_")
    screenshot("api-token-made")
    page.get_by_role("link", name="Done").click()
    assert "Quarterly report script" in page.locator("table").inner_text()
    assert secret not in page.content()
    screenshot("api-tokens")
    assert_clean(page)
