"""Cross-file links and recordkeeping consistency, computed with vectorised pandas.

GX's pandas backend validates one frame at a time, so a rule that needs another
file (does this encounter's employee exist?) or a comparison GX cannot express
(recordable *date* before the injury *date*) is computed here into a derived
column of the frame being validated:

* ``_link.<parent>`` / ``_check.<rule>``: boolean, True = fine, False = a finding,
  NA = the rule does not apply to the row. The suites hold
  ``expect_column_values_to_be_in_set(value_set=[true])`` on these columns, so the
  rule still has its id, severity and message in ``expectations/*.json``, counts in
  the summary and shows in the Data Docs.
* ``_check.hours_per_employee`` (number), ``_case_establishment``, ``_case_year``:
  values the suites check with ``between`` or quote in messages.

A derived column is only added when its parent file is in the bundle; otherwise the
expectation is skipped and :func:`absent_parents` says which check could not run.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from oshakit.schema import KINDS

try:  # pandas' text columns are pyarrow-backed when pyarrow is installed
    import pyarrow as pa
    import pyarrow.compute as pc
except ImportError:  # pragma: no cover
    pa = pc = None

ENC_ID = "encounters.ext_id"
CASE_NO = "incidents.case_number"
INC = "incidents.inc_datetime"


def _col(frame: pd.DataFrame, name: str, dtype: str = "str") -> pd.Series:
    """``frame[name]``, or an all-NA column when the file has no such column."""
    if name in frame.columns:
        return frame[name]
    return pd.Series(pd.NA, index=frame.index, dtype=dtype)


def _flag(values: pd.Series, applies: pd.Series) -> pd.Series:
    """A nullable boolean: ``values`` where the rule applies, NA elsewhere."""
    return pd.Series(values.to_numpy(dtype=bool, na_value=False), index=values.index,
                     dtype="boolean").where(applies.to_numpy(dtype=bool, na_value=False))


def keyset(keys: pd.Series) -> Any:
    """The distinct non-null values of ``keys``, ready for :func:`isin` (build once, reuse)."""
    unique = pd.Series(keys).astype("str").dropna().unique()
    if pa is not None:
        try:
            return pa.array(unique)
        except (TypeError, ValueError, pa.ArrowException):
            pass
    return pd.Index(unique)


def isin(values: pd.Series, keys: Any) -> pd.Series:
    """``values.isin(keys)`` for text, fast: pandas' arrow-string ``isin`` turns every key
    into a Python object (seconds for 600,000 keys); pyarrow's ``is_in`` does not.
    ``keys`` is a Series or a :func:`keyset`."""
    values = values.astype("str")
    if isinstance(keys, pd.Series):
        keys = keyset(keys)
    if not isinstance(keys, pd.Index):
        try:
            found = pc.is_in(pa.array(values), value_set=keys)
            return pd.Series(found.fill_null(False).to_numpy(zero_copy_only=False),
                             index=values.index)
        except (TypeError, ValueError, pa.ArrowException):  # python-backed strings
            keys = pd.Index(keys.to_pylist())
    return pd.Series(values.isin(keys).to_numpy(), index=values.index)


def isin_pairs(a: pd.Series, b: pd.Series, key_a: pd.Series, key_b: pd.Series) -> pd.Series:
    """Is each (a, b) pair among the (key_a, key_b) pairs? ``b`` has few distinct values
    (an id type, a year), so one ``isin`` per value of ``b`` beats building pair strings."""
    out = pd.Series(False, index=a.index)
    b, key_b = b.astype("str"), key_b.astype("str")
    for value in b.dropna().unique():
        rows = (b == value).fillna(False).to_numpy()
        out[rows] = isin(a[rows], key_a[(key_b == value).fillna(False).to_numpy()]).to_numpy()
    return out


def case_establishment(frames: dict[str, pd.DataFrame], rows: pd.Series) -> pd.Series:
    """The establishment of the encounters in ``rows``: ``incidents.facility_code``, else the
    employee's ``employees.establishment_code`` (NA elsewhere)."""
    enc = frames["encounters"]
    est = _col(enc, "incidents.facility_code").where(rows)
    emp = frames.get("employees")
    need = (rows & est.isna()).to_numpy()
    if emp is not None and "employees.establishment_code" in emp.columns and need.any():
        lookup = emp.drop_duplicates(["employees.pat_id", "employees.pat_id_type"])
        asked = pd.DataFrame({"employees.pat_id": _col(enc, "encounters.pat_id")[need],
                              "employees.pat_id_type": _col(enc, "encounters.pat_id_type")[need]})
        found = asked.merge(lookup, how="left", on=["employees.pat_id", "employees.pat_id_type"])
        est = est.copy()
        est[need] = found["employees.establishment_code"].to_numpy()
    return est


def derive(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Frames with the derived columns the suites check (inputs are not modified)."""
    out = {kind: frame.copy(deep=False) for kind, frame in frames.items()}
    enc = frames.get("encounters")
    if enc is not None:
        out["encounters"] = _encounters(frames, out["encounters"])
        ids = keyset(_col(enc, ENC_ID))
        for kind in ("conditions", "restrictions", "accommodations", "nibp"):
            if kind in out and ENC_ID in out[kind].columns:
                child = out[kind][ENC_ID]
                out[kind]["_link.encounter"] = _flag(isin(child, ids), child.notna())
    _optional_link(out, "restrictions", "patient_conditions.ext_id", "conditions",
                   "_link.condition")
    _optional_link(out, "accommodations", "patient_clinical_restriction.ext_id",
                   "restrictions", "_link.restriction")
    for kind in ("employees", "employment"):
        _optional_link(out, kind, f"{kind}.establishment_code", "establishments",
                       "_link.establishment")
    if "restrictions" in out:
        r = out["restrictions"]
        active = _col(r, "patient_clinical_restriction.active")
        counts = active.isna() | (active == "1")
        ended = _col(r, "patient_clinical_restriction.end_date", "datetime64[ns]").notna()
        permanent = _col(r, "patient_clinical_restriction.permanent", "boolean").fillna(False)
        r["_check.end_or_permanent"] = _flag(ended | permanent, counts)
    if "nibp" in out:
        n = out["nibp"]
        given = (_col(n, "incident_nibp.nature_injury").notna()
                 | _col(n, "incident_nibp.body_part").notna())
        n["_check.nature_or_body_part"] = _flag(given, pd.Series(True, index=n.index))
    if "employment" in out:
        e = out["employment"]
        staff = _col(e, "employment.annual_average_employees", "Float64").astype("Float64")
        hours = _col(e, "employment.total_hours_worked", "Float64").astype("Float64")
        e["_check.hours_per_employee"] = (hours / staff.where(staff > 0)).round(1)
    return out


def _optional_link(out: dict[str, pd.DataFrame], kind: str, column: str, parent: str,
                   name: str) -> None:
    """Add ``name`` to ``out[kind]``: does ``column`` name a key of ``parent``?"""
    if kind not in out or parent not in out or column not in out[kind].columns:
        return
    child = out[kind][column]
    out[kind][name] = _flag(isin(child, _col(out[parent], KINDS[parent].key[0])), child.notna())


def _encounters(frames: dict[str, pd.DataFrame], enc: pd.DataFrame) -> pd.DataFrame:
    inc = _col(enc, INC, "datetime64[ns]")
    opens = inc.notna()
    case_no = _col(enc, CASE_NO)
    enc["_case_year"] = inc.dt.year.astype("Int64")

    completed = _col(enc, "incidents.osha_completed_dt", "datetime64[ns]")
    enc["_check.recordable_after_injury"] = _flag(
        completed.dt.normalize() >= inc.dt.normalize(), opens & completed.notna())
    died = _col(enc, "incidents.employee_deathdate", "datetime64[ns]")
    enc["_check.death_after_injury"] = _flag(
        died.dt.normalize() >= inc.dt.normalize(), opens & died.notna())

    opening_numbers = case_no.where(opens)
    enc["_check.case_opened_once"] = _flag(
        ~opening_numbers.duplicated(keep=False), opens & case_no.notna())
    enc["_check.followup_has_case"] = _flag(
        isin(case_no, opening_numbers), ~opens & case_no.notna())

    employees = frames.get("employees")
    if employees is not None:
        pat = _col(enc, "encounters.pat_id")
        enc["_link.employee"] = _flag(isin_pairs(
            pat, _col(enc, "encounters.pat_id_type"), _col(employees, "employees.pat_id"),
            _col(employees, "employees.pat_id_type")), pat.notna())

    est = case_establishment(frames, opens)
    enc["_case_establishment"] = est
    establishments = frames.get("establishments")
    if establishments is not None:
        codes = _col(establishments, "establishments.establishment_code")
        enc["_link.establishment"] = _flag(isin(est, codes), opens)
    employment = frames.get("employment")
    if employment is not None:
        enc["_link.employment"] = _flag(isin_pairs(
            est, enc["_case_year"], _col(employment, "employment.establishment_code"),
            _col(employment, "employment.year", "Int64")), opens & est.notna())
    return enc


#: Files whose absence leaves a cross-file check unrun: file kind -> what is not checked.
PARENT_CHECKS = {
    "employees": "encounters' employees (Form 300 columns B-C, Form 301 items 1-5)",
    "establishments": "cases' establishments (which log each case goes on)",
    "employment": "hours and employees for each establishment-year with cases (Form 300A)",
}


def absent_parents(frames: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Kit files missing from the bundle, each with the check that could not run."""
    return {kind: what for kind, what in PARENT_CHECKS.items() if kind not in frames}
