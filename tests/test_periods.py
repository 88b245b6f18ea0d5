"""helpers.periods: partial ISO dates, period lengths and Party congress terms."""
from __future__ import annotations

from datetime import date

import pytest

from helpers.periods import TERMS, PartialDate, PeriodError, months_between, parse_partial_date, term_bounds, term_of


@pytest.mark.parametrize(
    "text, first, last, precision",
    [
        ("2023", date(2023, 1, 1), date(2023, 12, 31), "year"),
        ("2023-07", date(2023, 7, 1), date(2023, 7, 31), "month"),
        ("2023-07-15", date(2023, 7, 15), date(2023, 7, 15), "day"),
        ("2023-02", date(2023, 2, 1), date(2023, 2, 28), "month"),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29), "month"),  # leap year
        ("2023-04", date(2023, 4, 1), date(2023, 4, 30), "month"),
        ("2024-02-29", date(2024, 2, 29), date(2024, 2, 29), "day"),
        ("1900", date(1900, 1, 1), date(1900, 12, 31), "year"),
        ("2100", date(2100, 1, 1), date(2100, 12, 31), "year"),
    ],
)
def test_parse_partial_date(text, first, last, precision):
    assert parse_partial_date(text) == PartialDate(text, first, last, precision)


def test_parse_partial_date_strips_and_accepts_int():
    assert parse_partial_date(" 2023 ") == PartialDate("2023", date(2023, 1, 1), date(2023, 12, 31), "year")
    assert parse_partial_date(2023).first == date(2023, 1, 1)


@pytest.mark.parametrize(
    "text, fragment, fix_fragment",
    [
        ("07/2023", "is not an ISO date", "2023-07"),
        ("2023-7", "is not an ISO date", "2023-07"),
        ("2023-07-1", "is not an ISO date", "2023-07-15"),
        ("20230715", "is not an ISO date", "2023-07-15"),
        ("2023-07-15T00:00", "is not an ISO date", "2023-07-15"),
        ("abc", "is not an ISO date", "2023 for a year"),
        ("", "is not an ISO date", "2023 for a year"),
        ("2023-13", "month 13 does not exist", "01 to 12"),
        ("2023-00", "month 0 does not exist", "01 to 12"),
        ("2023-02-30", "is not a real date", "day of the month"),
        ("2023-02-29", "is not a real date", "day of the month"),
        ("2023-04-31", "is not a real date", "day of the month"),
        ("1800", "year 1800 is out of range", "between 1900 and 2100"),
        ("1899-12", "year 1899 is out of range", "between 1900 and 2100"),
        ("2101", "year 2101 is out of range", "between 1900 and 2100"),
    ],
)
def test_bad_dates_are_refused_with_a_fix(text, fragment, fix_fragment):
    with pytest.raises(PeriodError) as info:
        parse_partial_date(text)
    err = info.value
    assert fragment in err.message
    assert err.fix and fix_fragment in err.fix
    assert isinstance(err, ValueError)


def test_period_error_fields():
    err = PeriodError("msg", "fix")
    assert (str(err), err.message, err.fix) == ("msg", "msg", "fix")
    assert PeriodError("m").fix == ""


def span(start: str, end: str) -> tuple[date, date]:
    return parse_partial_date(start).first, parse_partial_date(end).last


@pytest.mark.parametrize(
    "start, end, months",
    [
        ("2016", "2020", 60.0),
        ("2023-01", "2023-07", 7.0),
        ("2021-01", "2023-06", 30.0),
        ("2023", "2023", 12.0),
        ("2023-02", "2023-02", 1.0),
        ("2024-02", "2024-02", 1.0),
        ("2020-12", "2021-01", 2.0),
    ],
)
def test_months_between_whole_months(start, end, months):
    assert months_between(*span(start, end)) == months


def test_months_between_counts_days_as_fraction():
    assert months_between(date(2023, 7, 15), date(2023, 7, 15)) == pytest.approx(1 / (365.25 / 12))
    assert months_between(date(2023, 1, 15), date(2023, 2, 14)) == pytest.approx(31 / (365.25 / 12))
    assert months_between(date(2023, 1, 1), date(2023, 1, 15)) == pytest.approx(15 / (365.25 / 12))


@pytest.mark.parametrize(
    "term, first, last",
    [
        ("1991–1996", date(1992, 1, 1), date(1996, 12, 31)),
        ("1996–2000", date(1997, 1, 1), date(2000, 12, 31)),
        ("2010–2015", date(2011, 1, 1), date(2015, 12, 31)),
        ("2015–2020", date(2016, 1, 1), date(2020, 12, 31)),
        ("2020–2025", date(2021, 1, 1), date(2025, 12, 31)),
        ("2025–2030", date(2026, 1, 1), date(2030, 12, 31)),
        ("2030–2035", date(2031, 1, 1), date(2035, 12, 31)),
        ("2015-2020", date(2016, 1, 1), date(2020, 12, 31)),  # a hyphen for the en dash
    ],
)
def test_term_bounds(term, first, last):
    assert term_bounds(term) == (first, last)


def test_terms_are_consecutive():
    for before, after in zip(TERMS, TERMS[1:]):
        assert (term_bounds(after)[0] - term_bounds(before)[1]).days == 1


@pytest.mark.parametrize(
    "start, end, term, reaches",
    [
        ("2020", "2020", "2015–2020", False),  # the last plan year belongs to the old term
        ("2021", "2021", "2020–2025", False),
        ("2016", "2020", "2015–2020", False),  # the whole term
        ("2020", "2023-04", "2020–2025", True),
        ("2011", "2015", "2010–2015", False),
        ("2015", "2015", "2010–2015", False),
        ("2025", "2025", "2020–2025", False),
        ("2026", "2030", "2025–2030", False),
        ("2023-01", "2023-07", "2020–2025", False),
        ("2018", "2023", "2015–2020", True),
        ("2005", "2005", "2000–2005", False),
        ("2010", "2010", "2005–2010", False),
        ("1997", "2000", "1996–2000", False),  # a four-year term: the 1996 congress to the 2000 one
        ("1992", "1992", "1991–1996", False),
        ("2031", "2031", "2030–2035", False),
        ("1991", "1991", None, False),  # before the first term known
        ("2036", "2036", None, False),  # after the last
    ],
)
def test_term_of(start, end, term, reaches):
    assert term_of(*span(start, end)) == (term, reaches)


