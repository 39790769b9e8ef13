"""The suites in expectations/*.json against the input contract in oshakit.schema."""

from __future__ import annotations

import json

import pytest

from oshakit import schema
from oshakit.validate.suites import SuiteError, build_suite, load_suites, read_suite, suite_path


def _exps(kind: str, type_: str) -> list[dict]:
    return [e for e in read_suite(kind)["expectations"] if e["type"] == type_]


def _columns(kind: str, type_: str, check: str | None = None) -> set[str]:
    return {e["kwargs"]["column"] for e in _exps(kind, type_)
            if check is None or e["meta"]["id"].endswith("/" + check)}


@pytest.mark.parametrize("kind", schema.KINDS)
def test_every_suite_builds_without_losing_expectations(kind):
    doc = read_suite(kind)
    suite = load_suites()[kind]
    assert len(suite.expectations) == len(doc["expectations"]) > 0
    assert doc["name"] == kind and suite_path(kind).name == schema.KINDS[kind].filename.replace(
        ".csv", ".json")


@pytest.mark.parametrize("kind", schema.KINDS)
def test_required_columns_present_and_not_null(kind):
    required = {c.name for c in schema.KINDS[kind].columns if c.required}
    assert _columns(kind, "expect_column_to_exist") == required
    assert required <= _columns(kind, "expect_column_values_to_not_be_null", "not_null")


@pytest.mark.parametrize("kind", schema.KINDS)
def test_key_is_unique(kind):
    key = schema.KINDS[kind].key
    if len(key) == 1:
        assert key[0] in _columns(kind, "expect_column_values_to_be_unique")
    else:
        lists = [e["kwargs"]["column_list"]
                 for e in _exps(kind, "expect_compound_columns_to_be_unique")]
        assert list(key) in lists


@pytest.mark.parametrize("kind", schema.KINDS)
def test_code_sets_are_the_schema_codes(kind):
    in_set = {e["kwargs"]["column"]: e["kwargs"]["value_set"]
              for e in _exps(kind, "expect_column_values_to_be_in_set")
              if e["meta"]["id"].endswith("/in_set")}
    for col in schema.KINDS[kind].columns:
        if col.codes:
            codes = set(col.codes.values()) if isinstance(col.codes, dict) else set(col.codes)
            assert set(in_set.pop(col.name)) == codes, col.name
    # the only in-set checks not from a schema code column are spelled in schema too
    assert all(set(v) <= set(schema.SEXES) for v in in_set.values())


@pytest.mark.parametrize("kind", schema.KINDS)
def test_lengths_dates_flags_times_cover_the_schema(kind):
    cols = schema.KINDS[kind].columns
    lengths = {e["kwargs"]["column"]: e["kwargs"]["max_value"]
               for e in _exps(kind, "expect_column_value_lengths_to_be_between")
               if e["meta"]["id"].endswith("/max_length")}
    assert lengths == {c.name: c.max_length for c in cols if c.max_length}
    assert _columns(kind, "expect_column_values_to_be_between", "plausible_date") == {
        c.name for c in cols if c.type == "datetime"}
    assert _columns(kind, "expect_column_values_to_be_in_set", "flag") == {
        c.name for c in cols if c.type == "flag"}
    assert _columns(kind, "expect_column_values_to_match_regex", "time") == {
        c.name for c in cols if c.type == "time"}


def test_state_sets_are_the_schema_states():
    states = [e for kind in schema.KINDS for e in _exps(kind, "expect_column_values_to_be_in_set")
              if e["meta"]["id"].endswith("/state")]
    assert len(states) == 3
    assert all(e["kwargs"]["value_set"] == list(schema.US_STATES) for e in states)


def test_datetime_bounds_are_full_iso_datetimes():
    # pandas 3 + GX: date-only bounds raise on datetime columns (tech notes)
    for kind in schema.KINDS:
        for e in _exps(kind, "expect_column_values_to_be_between"):
            for bound in ("min_value", "max_value"):
                value = e["kwargs"].get(bound)
                if isinstance(value, str):
                    assert "T" in value, e["meta"]["id"]


def test_every_expectation_has_id_severity_and_message():
    ids = []
    for kind in schema.KINDS:
        for e in read_suite(kind)["expectations"]:
            assert e["meta"]["severity"] in ("error", "warning")
            assert e["meta"]["message"].strip()
            ids.append(e["meta"]["id"])
    assert len(ids) == len(set(ids))


def test_unknown_expectation_type_fails_loudly():
    doc = {"name": "x", "expectations": [
        {"type": "expect_column_values_to_be_in_set",
         "kwargs": {"column": "a", "value_set": ["x"]}, "meta": {"id": "ok"}},
        {"type": "expect_column_values_to_be_wonderful", "kwargs": {"column": "a"},
         "meta": {"id": "typo"}},
    ]}
    load_suites()  # a context exists
    with pytest.raises(SuiteError, match="typo"):
        build_suite(doc)


def test_suite_without_severity_is_refused(tmp_path):
    doc = json.loads(suite_path("nibp").read_text())
    doc["expectations"][0]["meta"].pop("severity")
    (tmp_path / "incident_nibp.json").write_text(json.dumps(doc))
    with pytest.raises(SuiteError, match="severity"):
        read_suite("nibp", tmp_path)
