"""Shared dashboard links: scoped, expiring, revocable, and silent about everything else."""

import csv
import datetime as dt
import io
import logging
import re
from urllib.parse import urlencode

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipdash.dashboard.filters import DashboardFilters, FilterError
from aipdash.sharing import services
from aipdash.sharing.models import ShareLink
from tests.dashboard.test_selectors import portfolio  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db
PATHS = ["", "charts/energy_mix/", "charts/commitments_by_partner.csv"]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()


def url(issued_or_token, path="", **query):
    token = getattr(issued_or_token, "token", issued_or_token)
    return f"/s/{token}/{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")


def csv_partners(response):
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    return {row[0] for row in rows[1:]}


def test_a_link_shows_its_view_to_anyone(client, gip_link):
    response = client.get(url(gip_link))
    assert response.status_code == 200
    assert "Investment committee" in response.text
    assert "shared with you" in response.text
    assert 'data-drill="sources-only"' in response.text
    # No way into the private site from a shared view.
    for private in ('href="/admin/', 'href="/portfolio/', 'href="/projects/', "Log out"):
        assert private not in response.text
    assert csv_partners(client.get(url(gip_link, PATHS[2]))) == {"GIP", "MGX"}


def test_every_path_is_private_and_unindexed(client, gip_link):
    for path in PATHS:
        response = client.get(url(gip_link, path))
        assert response.status_code == 200, path
        assert response["Cache-Control"] == "private, no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        assert response["X-Robots-Tag"].startswith("noindex")


def test_a_viewer_may_narrow_an_open_filter(client, gip_link):
    response = client.get(url(gip_link, PATHS[2], partner="gip"))
    assert csv_partners(response) == {"GIP"}


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"partner": "microsoft"}, "partner", "Unknown partner"),  # not even named as existing
        ({"partner": ["gip", "nobody"]}, "partner", "Unknown partner"),
        ({"country": "BR"}, "country", "does not let you change"),
        ({"stage": "operational"}, "stage", "does not let you change"),
        ({"online_from": "2026"}, "online_from", "does not let you change"),
        ({"colour": "red"}, "colour", "not a filter"),
        ({"embed": "2"}, "embed", "embed=1"),
        ({"partner": ["gip", "gip"]}, "partner", "more than once"),
    ],
)
def test_widening_or_unknown_parameters_are_refused(client, gip_link, query, field, words):
    for path in PATHS:
        response = client.get(url(gip_link, path, **query))
        assert response.status_code == 400, (path, query)
        assert words in response.text
        assert response["Cache-Control"] == "private, no-store"
        assert "application/json" not in response.text  # no chart data at all


def test_narrowing_stays_inside_the_year_range():
    link = ShareLink(
        filters={"online_from": 2026, "online_to": 2028}, open_filters=["online"], label="x"
    )
    inside, _ = services.scoped_filters(link, QueryDict("online_from=2027"), partner_slugs={"a"})
    assert (inside.online_from, inside.online_to) == (2027, 2028)
    for query in ("online_from=2025", "online_to=2029"):
        with pytest.raises(FilterError, match="Outside this shared view"):
            services.scoped_filters(link, QueryDict(query), partner_slugs={"a"})


def test_an_htmx_partial_of_a_link_is_scoped_too(client, gip_link):
    response = client.get(url(gip_link, partner="mgx"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="dashboard-charts"')
    assert "GIP" not in re.findall(r'"y":\[[^\]]*\]', response.text)[0]


settings_ = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
KEYS = ["partner", "kind", "stage", "energy_source", "country", "online_from", "embed", "x"]


@settings_
@given(
    pairs=st.lists(
        st.tuples(
            st.sampled_from(KEYS),
            st.one_of(
                st.sampled_from(["gip", "mgx", "microsoft", "", "1", "US", "BR", "2030"]),
                st.text(max_size=300),
            ),
        ),
        max_size=8,
    )
)
def test_no_query_string_shows_another_partner(client, gip_link, pairs):
    query = "&".join(f"{k}={v}" for k, v in pairs)
    response = client.get(url(gip_link, PATHS[2]) + "?" + query)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        assert csv_partners(response) <= {"GIP", "MGX"}


def test_revoked_expired_rotated_and_forged_links_open_nothing(client, gip_link, monkeypatch):
    old_token = gip_link.token
    rotated = services.rotate(gip_link.link)
    forged = "A" * services.TOKEN_LENGTH
    for token, status in ((old_token, 404), (forged, 404), ("short", 404)):
        for path in PATHS:
            response = client.get(url(token, path), HTTP_HX_REQUEST="true" if path == "" else "")
            assert response.status_code == status, (token, path)
            assert "no longer valid" in response.text
            assert "application/json" not in response.text
    assert client.get(url(rotated)).status_code == 200

    later = timezone.now() + dt.timedelta(days=31)
    monkeypatch.setattr(timezone, "now", lambda: later)
    for path in PATHS:
        assert client.get(url(rotated, path)).status_code == 410
    monkeypatch.undo()

    services.revoke(rotated.link)
    for path in PATHS:
        response = client.get(url(rotated, path))
        assert response.status_code == 410
        assert "no longer valid" in response.text


def test_the_database_holds_no_usable_token(gip_link):
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM aipdash_sharelink")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert gip_link.token not in stored
    assert gip_link.token[6:] not in stored  # not even its secret part
    assert services.hash_token(gip_link.token) in stored


def test_views_are_counted_once_per_page_load(client, gip_link):
    client.get(url(gip_link))
    client.get(url(gip_link), HTTP_HX_REQUEST="true")
    client.get(url(gip_link, PATHS[2]))
    gip_link.link.refresh_from_db()
    assert gip_link.link.view_count == 1
    assert gip_link.link.last_viewed_at is not None


def test_anonymous_viewers_reach_nothing_else(client, gip_link):
    for private in [
        "/",
        "/portfolio/",
        "/admin/",
        "/partners/gip/",
        "/projects/dallas/",
        "/shares/",
        "/charts/energy_mix.csv",
    ]:
        response = client.get(private)
        assert response.status_code == 302, private
        assert "login" in response.url


def test_the_token_never_reaches_the_logs_in_full(client, gip_link, caplog):
    with caplog.at_level(logging.WARNING):
        client.get(url(gip_link, partner="microsoft"))  # a 400, which Django logs
        client.get(url("B" * services.TOKEN_LENGTH))  # a 404
    handler_filter = __import__("aipdash.core.requestlog", fromlist=["x"]).RedactShareTokens()
    for record in caplog.records:
        handler_filter.filter(record)
        assert gip_link.token not in record.getMessage()
    assert any(gip_link.token[:6] + "…" in r.getMessage() for r in caplog.records)


def test_embed_may_be_framed_only_by_listed_origins(client, gip_link, settings):
    settings.SHARE_EMBED_ORIGINS = ["https://intranet.example.com"]
    embed = client.get(url(gip_link, embed="1"))
    assert embed.status_code == 200
    assert "frame-ancestors https://intranet.example.com" in embed["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed
    assert 'id="dashboard-filters"' not in embed.text and "<nav" not in embed.text
    page = client.get(url(gip_link))
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert page["X-Frame-Options"] == "DENY"
    settings.SHARE_EMBED_ORIGINS = []
    assert (
        "frame-ancestors 'none'" in client.get(url(gip_link, embed="1"))["Content-Security-Policy"]
    )


# The staff side ---------------------------------------------------------------------------------


def test_share_this_view_in_two_clicks(viewer_client, viewer, portfolio):  # noqa: F811
    form = viewer_client.get(reverse("share-new") + "?country=US&partner=gip")
    assert form.status_code == 200
    assert "Country" in form.text and "US" in form.text
    response = viewer_client.post(
        reverse("share-new"),
        {"label": "For MGX", "days": "30", "view": "country=US&partner=gip"},
    )
    assert response.status_code == 200
    shown = re.search(r'value="(http://testserver/s/([^/]+)/)"', response.text)
    assert shown, "the link is shown once"
    link = ShareLink.objects.get()
    assert link.filters == {"partner": ["gip"], "country": ["US"]}
    assert link.open_filters == []
    assert link.created_by == viewer
    assert (link.expires_at - link.created_at).days == 30
    # Never again: the list shows the hint only.
    listing = viewer_client.get(reverse("share-list")).text
    assert "For MGX" in listing and shown.group(2) not in listing
    assert shown.group(2)[:6] in listing


def test_the_whole_portfolio_can_be_shared(viewer_client, portfolio):  # noqa: F811
    """The dashboard without filters is a view too (its link was a 500: an empty captured
    view failed the model's blank check)."""
    response = viewer_client.post(
        reverse("share-new"), {"label": "Everything", "days": "30", "view": ""}
    )
    assert response.status_code == 200
    token = re.search(r'value="http://testserver/s/([^/]+)/"', response.text).group(1)
    assert ShareLink.objects.get().filters == {}
    assert csv_partners(viewer_client.get(url(token, PATHS[2]))) == {"GIP", "MGX"}


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"label": "", "days": "30"}, "label"),
        ({"label": "x", "days": "0"}, "days"),
        ({"label": "x", "days": "91"}, "days"),
        ({"label": "x", "days": "30", "open_filters": ["colour"]}, "open_filters"),
        ({"label": "x", "days": "30", "view": "stage=built"}, "view"),
    ],
)
def test_a_bad_share_form_says_which_field(viewer_client, portfolio, data, field):  # noqa: F811
    response = viewer_client.post(reverse("share-new"), {"view": "", **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not ShareLink.objects.exists()


def test_links_are_revoked_and_rotated_by_their_owner_only(client, gip_link, viewer):
    other = User.objects.create_user("other", password="other-pass-1234")
    other.groups.add(Group.objects.get(name="viewer"))  # a role: the site's pages need one
    other.user_permissions.add(Permission.objects.get(codename="add_sharelink"))
    client.force_login(other)
    pk = gip_link.link.pk
    assert "Investment committee" not in client.get(reverse("share-list")).text
    assert client.post(reverse("share-revoke", args=[pk])).status_code == 404
    assert client.post(reverse("share-rotate", args=[pk])).status_code == 404

    other.user_permissions.add(Permission.objects.get(codename="manage_all_sharelinks"))
    other = User.objects.get(pk=other.pk)  # fresh permission cache
    client.force_login(other)
    assert "Investment committee" in client.get(reverse("share-list")).text
    assert client.post(reverse("share-revoke", args=[pk])).status_code == 302
    assert client.get(url(gip_link)).status_code == 410


def test_rotating_shows_the_new_link_once_and_kills_the_old(viewer_client, gip_link):
    response = viewer_client.post(reverse("share-rotate", args=[gip_link.link.pk]))
    new = re.search(r'value="http://testserver/s/([^/]+)/"', response.text).group(1)
    assert viewer_client.get(url(gip_link)).status_code == 404
    assert viewer_client.get(url(new)).status_code == 200


def test_prune_deletes_long_dead_links(gip_link, monkeypatch):
    later = timezone.now() + dt.timedelta(days=61)
    monkeypatch.setattr(timezone, "now", lambda: later)
    call_command("prune_share_links", "--days", "30")
    assert not ShareLink.objects.exists()


def test_the_admin_lists_and_revokes_links(admin_client, gip_link):
    listing = admin_client.get(reverse("admin:aipdash_sharelink_changelist"))
    assert "Investment committee" in listing.text
    admin_client.post(
        reverse("admin:aipdash_sharelink_changelist"),
        {"action": "revoke", "_selected_action": [gip_link.link.pk]},
    )
    gip_link.link.refresh_from_db()
    assert gip_link.link.is_revoked


def test_a_failed_share_form_still_shows_the_view(viewer_client, portfolio):  # noqa: F811
    response = viewer_client.post(
        reverse("share-new"), {"label": "", "days": "30", "view": "country=US"}
    )
    assert "label" in response.context["form"].errors
    assert response.context["described"] == [("Country", "US")]


def test_logs_go_through_the_redacting_filter(settings):
    handler = settings.LOGGING["handlers"]["console"]
    assert "redact_share_tokens" in handler["filters"]
    assert settings.LOGGING["root"]["handlers"] == ["console"]
    # Every logger configured (django.server's request lines among them) hands its lines on to
    # the root's handler: none has a handler of its own that would skip the filter.
    assert "django.server" in settings.LOGGING["loggers"]
    for logger in settings.LOGGING["loggers"].values():
        assert logger["handlers"] == [] and logger.get("propagate", True)


def test_a_second_revocation_from_a_stale_copy_keeps_the_first_time(gip_link):
    first_tab, second_tab = (ShareLink.objects.get(pk=gip_link.link.pk) for _ in range(2))
    services.revoke(first_tab)
    revoked_at = ShareLink.objects.get().revoked_at
    assert revoked_at is not None and first_tab.revoked_at == revoked_at
    services.revoke(second_tab)
    assert ShareLink.objects.get().revoked_at == revoked_at == second_tab.revoked_at


def _choices(text):
    """The filter form's choices on a page: (name, value) of each box, and each year."""
    boxes = re.findall(r'<input type="checkbox" name="(\w+)" value="([^"]*)"', text)
    years = re.findall(r'<option value="(\d+)"', text)
    return set(boxes) | {("year", year) for year in years}


@pytest.mark.parametrize(
    ("query", "htmx"),
    [
        ({"partner": "nobody"}, False),
        ({"partner": "nobody"}, True),
        ({"partner": "nobody", "embed": "1"}, False),
        ({"embed": "2"}, False),
        ({"online_from": "2020"}, False),
    ],
)
def test_a_refused_shared_view_offers_only_the_links_own_choices(
    client,
    viewer,
    portfolio,  # noqa: F811
    query,
    htmx,
):
    """The 400 page of a link to GIP, 2027-2028, names no other partner and no other year:
    it offers what the shared page itself offers."""
    issued = services.create(
        user=viewer,
        label="GIP only",
        filters=DashboardFilters(partner=("gip",), online_from=2027, online_to=2028),
        open_filters=["partner", "online"],
        days=30,
    )
    shown = client.get(url(issued))
    refused = client.get(url(issued, **query), **({"HTTP_HX_REQUEST": "true"} if htmx else {}))
    assert shown.status_code == 200
    assert refused.status_code == 400
    assert _choices(shown.text) == {("partner", "gip"), ("year", "2027"), ("year", "2028")}
    assert _choices(refused.text) <= _choices(shown.text) | {("year", "2020")}  # as asked
    for other in ("mgx", "MGX", 'value="2024"'):
        assert other not in refused.text


def _cached_bytes():
    """Every key and value the cache holds now, as bytes: the whole Redis database of the
    configured REDIS_URL, or the local-memory cache; and the process's own LRU in front."""
    from django.conf import settings as django_settings

    from aipdash.core.cache import payloads

    found = []
    if django_settings.REDIS_URL:
        import redis

        client = redis.Redis.from_url(django_settings.REDIS_URL)
        readers = {
            b"string": lambda key: [client.get(key)],
            b"hash": lambda key: [b for pair in client.hgetall(key).items() for b in pair],
            b"list": lambda key: client.lrange(key, 0, -1),
            b"set": lambda key: list(client.smembers(key)),
            b"zset": lambda key: client.zrange(key, 0, -1),
        }
        for key in client.scan_iter(count=1000):
            found.append(key)
            found.extend(readers[client.type(key)](key))
    else:
        for key, value in cache._cache.items():
            found += [key.encode(), value]
    for key, value in payloads._local.items():
        found += [key.encode(), str(value).encode()]
    return found


def test_no_cache_keeps_a_working_token(client, gip_link):
    """The database keeps only the token's hash; the cache, shared by every process and kept a
    day, must not keep more (a chart block's links hold the view's address)."""
    cache.clear()
    for path, query, headers in [
        ("", {}, {}),
        ("", {"embed": "1"}, {}),
        ("", {"partner": "gip"}, {"HTTP_HX_REQUEST": "true"}),
        ("charts/energy_mix/", {}, {}),
        ("charts/commitments_by_partner.csv", {}, {}),
        ("export.xlsx", {}, {}),
        ("", {"partner": "nobody"}, {}),
    ]:
        response = client.get(url(gip_link, path, **query), **headers)
        assert response.status_code in (200, 400)
        if not response.streaming:
            assert gip_link.token in response.text or path.endswith(".csv")  # links still work
    api = client.get(
        "/api/charts/energy_mix/", HTTP_AUTHORIZATION=f"Bearer {gip_link.token}"
    )  # the token as a bearer token
    assert api.status_code == 200
    cached = _cached_bytes()
    assert cached, "the views cached nothing: the test checks nothing"
    token = gip_link.token.encode()
    assert not [value for value in cached if value and token in value]


def test_the_admin_shows_an_editor_only_their_own_links(editor_client, editor, gip_link):
    """One rule (sharing.visible_to) for the site's list and the admin: everyone's links only
    with `manage_all_sharelinks`. gip_link is the viewer's."""
    own = services.create(
        user=editor,
        label="Editor's own",
        filters=DashboardFilters(stage=("construction",)),
        open_filters=[],
        days=5,
    )
    others = gip_link.link.pk
    listing = editor_client.get(reverse("admin:aipdash_sharelink_changelist"))
    assert listing.status_code == 200
    assert "Editor&#x27;s own" in listing.text or "Editor's own" in listing.text
    assert "Investment committee" not in listing.text
    own_page = editor_client.get(reverse("admin:aipdash_sharelink_change", args=[own.link.pk]))
    assert own_page.status_code == 200
    for view in ("change", "history", "delete"):
        response = editor_client.get(reverse(f"admin:aipdash_sharelink_{view}", args=[others]))
        assert response.status_code in (403, 404), view
        assert "Investment committee" not in response.text

    editor.user_permissions.add(Permission.objects.get(codename="manage_all_sharelinks"))
    editor_client.force_login(User.objects.get(pk=editor.pk))
    listing = editor_client.get(reverse("admin:aipdash_sharelink_changelist"))
    assert "Investment committee" in listing.text
    others_page = editor_client.get(reverse("admin:aipdash_sharelink_change", args=[others]))
    assert others_page.status_code == 200


def test_the_admins_revoke_action_reaches_only_visible_links(client, gip_link):
    """A user who may change links but not everyone's revokes only their own."""
    staff = User.objects.create_user("staff", password="staff-pass-1234", is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_sharelink", "change_sharelink"])
    )
    client.force_login(staff)
    client.post(
        reverse("admin:aipdash_sharelink_changelist"),
        {"action": "revoke", "_selected_action": [gip_link.link.pk]},
    )
    gip_link.link.refresh_from_db()
    assert not gip_link.link.is_revoked
