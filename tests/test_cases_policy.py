"""Policy values are validated and explained."""

from __future__ import annotations

import datetime as dt

import pytest

from oshakit.cases import Policy, reconcile
from oshakit.errors import PolicyError


def test_defaults_are_the_regulations_reading():
    p = Policy()
    # 1904.7(b)(3)(vii) cap on K + L; 1904.29(b)(7): the listed kinds *must* be private.
    assert (p.cap, p.privacy_auto, p.as_of, p.eh_compat) == ("combined", True, None, False)
    # 1904.7(b)(3)(viii): the count *may* stop when the employee leaves for an unrelated reason
    assert p.stop_at_termination is True
    assert p.today == dt.date.today()


def test_parse_takes_options_as_a_cli_or_notebook_gives_them():
    p = Policy.parse(cap="per_column", as_of="2024-06-30", today="2025-01-15",
                     privacy_auto="false", stop_at_termination="off", eh_compat=None)
    assert p == Policy(cap="per_column", as_of=dt.date(2024, 6, 30),
                       today=dt.date(2025, 1, 15), privacy_auto=False,
                       stop_at_termination=False, eh_compat=False)


def test_parse_refuses_unknown_options():
    with pytest.raises(PolicyError, match="unknown policy option.*asof"):
        Policy.parse(asof="2024-06-30")


def test_policy_round_trips_through_its_json_form():
    p = Policy(cap="none", as_of="2024-06-30", today="2024-07-01", eh_compat=True)
    assert p.to_dict() == {"cap": "none", "as_of": "2024-06-30", "today": "2024-07-01",
                           "privacy_auto": True, "stop_at_termination": True,
                           "eh_compat": True}
    assert Policy.from_dict(p.to_dict()) == p


@pytest.mark.parametrize("value", ["2024-12-31", dt.date(2024, 12, 31),
                                   dt.datetime(2024, 12, 31, 17, 0)])
def test_as_of_accepts_dates_and_strings(value):
    assert Policy(as_of=value).as_of == dt.date(2024, 12, 31)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"cap": "sum"}, "cap must be one of combined, per_column, none"),
    ({"as_of": "not a date"}, "as_of must be a date"),
    ({"as_of": 20241231}, "as_of must be a date"),
    ({"today": "31/12/2024"}, "today must be a date"),
    ({"privacy_auto": "yes"}, "privacy_auto must be True or False"),
    ({"eh_compat": 1}, "eh_compat must be True or False"),
    ({"stop_at_termination": "no"}, "stop_at_termination must be True or False"),
])
def test_invalid_values_raise_policy_error(kwargs, words):
    with pytest.raises(PolicyError, match=words):
        Policy(**kwargs)


def test_eh_compat_caps_per_column():
    assert Policy(eh_compat=True).effective_cap == "per_column"


def test_year_must_be_an_integer(sample_bundle):
    with pytest.raises(PolicyError, match="year must be an integer"):
        reconcile(sample_bundle, year="2024")


def test_an_as_of_date_after_the_run_date_is_refused():
    # no day after the run date counts: records "as they stood" on a future date do not exist
    with pytest.raises(PolicyError, match="after the run date 2026-06-30"):
        Policy(as_of="2026-12-31", today="2026-06-30")
    assert Policy(as_of="2026-06-30", today="2026-06-30").as_of == dt.date(2026, 6, 30)
