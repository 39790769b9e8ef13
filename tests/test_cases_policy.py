"""Policy values are validated and explained."""

from __future__ import annotations

import datetime as dt

import pytest

from oshakit.cases import Policy, reconcile
from oshakit.errors import PolicyError


def test_defaults_are_the_regulations_reading():
    p = Policy()
    assert (p.cap, p.privacy_auto, p.as_of, p.eh_compat) == ("combined", False, None, False)


@pytest.mark.parametrize("value", ["2024-12-31", dt.date(2024, 12, 31),
                                   dt.datetime(2024, 12, 31, 17, 0)])
def test_as_of_accepts_dates_and_strings(value):
    assert Policy(as_of=value).as_of == dt.date(2024, 12, 31)


@pytest.mark.parametrize(("kwargs", "words"), [
    ({"cap": "sum"}, "cap must be one of combined, per_column, none"),
    ({"as_of": "not a date"}, "as_of must be a date"),
    ({"as_of": 20241231}, "as_of must be a date"),
    ({"privacy_auto": "yes"}, "privacy_auto must be True or False"),
    ({"eh_compat": 1}, "eh_compat must be True or False"),
])
def test_invalid_values_raise_policy_error(kwargs, words):
    with pytest.raises(PolicyError, match=words):
        Policy(**kwargs)


def test_eh_compat_caps_per_column():
    assert Policy(eh_compat=True).effective_cap == "per_column"


def test_year_must_be_an_integer(sample_bundle):
    with pytest.raises(PolicyError, match="year must be an integer"):
        reconcile(sample_bundle, year="2024")
