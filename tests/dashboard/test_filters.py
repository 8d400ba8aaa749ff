"""The query string of the dashboard: valid views parse into one canonical form; anything
else is refused with the field named, never guessed."""

import pytest
from django.http import QueryDict
from hypothesis import given, settings
from hypothesis import strategies as st

from aipdash.dashboard.filters import DashboardFilters, FilterError

PARTNERS = frozenset({"gip", "mgx", "microsoft"})


def parse(query: str) -> DashboardFilters:
    return DashboardFilters.from_query(QueryDict(query), partner_slugs=PARTNERS)


def errors(query: str) -> dict:
    with pytest.raises(FilterError) as error:
        parse(query)
    return error.value.errors


def test_no_query_is_the_whole_portfolio():
    filters = parse("")
    assert filters == DashboardFilters()
    assert filters.is_default and filters.canonical() == ""


def test_values_are_sorted_and_defaults_dropped_in_the_canonical_form():
    filters = parse("stage=operational&partner=mgx&partner=gip&online_to=2030&kind=&country=US")
    assert filters.partner == ("gip", "mgx")
    assert filters.canonical() == (
        "country=US&online_to=2030&partner=gip&partner=mgx&stage=operational"
    )
    # The same view written another way has the same canonical form.
    assert parse("partner=gip&country=US&stage=operational&partner=mgx&online_to=2030") == filters


def test_the_canonical_form_parses_back_to_the_same_filters():
    filters = parse("energy_source=solar&energy_source=wind&online_from=2026&online_to=2028")
    assert parse(filters.canonical()) == filters


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ("partner=blackrockk", "partner", "Unknown partner"),
        ("stage=built", "stage", "Unknown stage"),
        ("kind=data_center", "kind", "Unknown project kind"),
        ("energy_source=coal", "energy_source", "Unknown energy source"),
        ("country=XX", "country", "Unknown country"),
        ("country=us", "country", "Unknown country"),
        ("online_from=20x6", "online_from", "not a year"),
        ("online_from=１２３４", "online_from", "not a year"),
        ("online_to=1999", "online_to", "from 2000 to 2100"),
        ("online_from=2030&online_to=2026", "online_to", "runs backwards"),
        ("online_from=2026&online_from=2027", "online_from", "one year"),
        ("partner=gip&partner=gip", "partner", "more than once"),
        ("colour=red", "colour", "not a filter"),
        ("partner=" + "g" * 200, "partner", "too long"),
    ],
)
def test_a_bad_value_is_refused_naming_its_field(query, field, words):
    found = errors(query)
    assert field in found
    assert words in found[field]


def test_too_many_values_or_an_oversized_query_are_refused():
    assert "At most" in errors("&".join(["stage=operational"] * 61))["stage"]
    assert "too long" in errors("country=US&" * 300)["query"]


def test_every_wrong_field_is_named_at_once():
    assert set(errors("stage=x&kind=y&online_from=abc")) == {"stage", "kind", "online_from"}


def test_filters_are_immutable():
    filters = parse("stage=operational")
    with pytest.raises(AttributeError):
        filters.stage = ("announced",)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_any_query_string_parses_or_is_refused_never_crashes(text):
    try:
        filters = parse(text)
    except FilterError as error:
        assert error.errors and all(isinstance(m, str) for m in error.errors.values())
    else:
        assert parse(filters.canonical()) == filters


keys = st.sampled_from(
    ["partner", "kind", "stage", "energy_source", "country", "online_from", "online_to", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(keys, st.text(max_size=12)), max_size=8))
def test_any_mix_of_known_keys_parses_or_is_refused(pairs):
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    try:
        DashboardFilters.from_query(query, partner_slugs=PARTNERS)
    except FilterError as error:
        assert error.errors


def test_one_filter_vocabulary_owns_the_openable_filters_and_their_words():
    """filters.py owns the list of filter controls, their labels and describing a view; the
    dashboard and the share links read it (no copies)."""
    from aipdash.dashboard import blocks, filters
    from aipdash.sharing import services

    assert blocks.ALL_FILTERS is filters.OPENABLE
    assert services.OPENABLE is filters.OPENABLE
    assert services.OPENABLE_LABELS is filters.OPENABLE_LABELS
    assert services.years_text is filters.years_text
    assert not hasattr(services, "describe")  # one place: filters.describe
    view = DashboardFilters(stage=("operational",), online_from=2026)
    assert filters.describe(view) == [
        ("Stage", "Operational"),
        ("Online years", "2026 to any year"),
    ]


def test_the_fast_path_imports_the_blocks_not_the_views():
    """No cycle: the fast path (a middleware) answers with the blocks; the views import it."""
    import ast
    from pathlib import Path

    from aipdash.dashboard import fastpath

    tree = ast.parse(Path(fastpath.__file__).read_text())
    imported = {
        f"{node.module}.{alias.name}" if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert not {name for name in imported if name and name.endswith("views")}
