"""The as_of and compare dates of a view: ISO dates within the portfolio's life, or an error
that names the parameter (the dashboard's 400), never a guess or a 500."""

import datetime as dt

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from aipdash.history.dates import DateError, ViewDates, parse_day
from tests.security.hostile import HOSTILE

FIRST = dt.date(2024, 9, 17)
TODAY = dt.date(2026, 12, 7)


def dates(query):
    return ViewDates.from_query(QueryDict(query), first_day=FIRST, today=TODAY)


def errors(query, first_day=FIRST):
    with pytest.raises(DateError) as caught:
        ViewDates.from_query(QueryDict(query), first_day=first_day, today=TODAY)
    return caught.value.errors


def test_no_dates_is_todays_view():
    assert dates("") == ViewDates()
    assert dates("as_of=&compare=").is_live
    assert dates("partner=gip").is_live  # other parameters are the filters' business


def test_dates_within_the_portfolios_life():
    view = dates("as_of=2025-06-30&compare=2025-03-31")
    assert view == ViewDates(as_of=dt.date(2025, 6, 30), compare=dt.date(2025, 3, 31))
    assert view.items() == [("as_of", "2025-06-30"), ("compare", "2025-03-31")]
    assert dates("as_of=2024-09-17").as_of == FIRST  # the first record's day
    assert dates("as_of=2026-12-07").as_of == TODAY
    assert dates("compare=2025-06-30").items() == [("compare", "2025-06-30")]


def test_a_plain_mapping_is_read_too():
    view = ViewDates.from_query({"as_of": "2025-01-31"}, first_day=FIRST, today=TODAY)
    assert view.as_of == dt.date(2025, 1, 31)


@pytest.mark.parametrize(
    ("query", "field", "says"),
    [
        ("as_of=31/01/2025", "as_of", "is not a date: write it as YYYY-MM-DD"),
        ("as_of=2025-1-31", "as_of", "is not a date"),
        ("as_of=2025-02-30", "as_of", "is not a date"),
        ("as_of=20250131", "as_of", "is not a date"),
        ("as_of=2024-09-16", "as_of", "before the portfolio's first record (17 Sep 2024)"),
        ("as_of=1999-01-01", "as_of", "before the portfolio's first record"),
        ("as_of=2026-12-08", "as_of", "is in the future: pick today (7 Dec 2026)"),
        ("as_of=9999-12-31", "as_of", "is in the future"),
        ("compare=2027-01-01", "compare", "is in the future"),
        ("compare=2026-12-07", "compare", "a day before the one shown (7 Dec 2026, today)"),
        ("as_of=2025-06-30&compare=2025-06-30", "compare", "a day before the one shown"),
        ("as_of=2025-06-30&compare=2025-07-01", "compare", "(30 Jun 2025)"),
        ("as_of=2025-06-30&as_of=2025-07-01", "as_of", "Give one date at most."),
    ],
)
def test_a_wrong_date_names_its_parameter(query, field, says):
    found = errors(query)
    assert list(found) == [field]
    assert says in found[field]


def test_both_wrong_are_both_named():
    assert set(errors("as_of=nope&compare=2030-01-01")) == {"as_of", "compare"}


def test_an_empty_portfolio_has_no_past():
    assert "no records yet" in errors("as_of=2025-01-31", first_day=None)["as_of"]
    assert dates("") == ViewDates()  # no date asked: nothing to refuse


@given(st.one_of(st.text(max_size=40), st.sampled_from(HOSTILE)))
def test_any_text_is_a_date_or_a_named_error(text):
    try:
        day = parse_day(text, field="as_of", first_day=FIRST, today=TODAY)
    except DateError as error:
        assert list(error.errors) == ["as_of"]
        assert len(error.errors["as_of"]) < 250  # a wrong value is quoted back, cut short
    else:
        assert FIRST <= day <= TODAY
