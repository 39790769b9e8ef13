"""ITA's rules: the one definition of every check the kit applies before anything reaches OSHA.

Every establishment and Form 300A rule is one :class:`Check` over a flat *record* whose keys
are the columns of ITA's 300A CSV (recordkeeping.md section 9). The same checks run in three
places, so that they cannot drift apart:

- :func:`ita_checks` on the kit's 300A summaries: one row per check per establishment-year,
  passed or not, in the shared problem-table shape of :mod:`oshakit.problems`;
- :func:`establishment_errors` / :func:`form300a_errors` on the exact API bodies, in the
  pre-send gates (:mod:`oshakit.ita.gates`);
- the rehearsal server (:mod:`oshakit.ita.fake_server`), which refuses what they refuse.

Case data follows OSHA's "ITA Case Data API Specifications" v1.3 data dictionary
(:data:`CASE_FIELDS`, :func:`case_errors`); the submission body its Complete Submission
sample (:func:`submission_errors`). Limits of establishment and 300A fields follow OSHA's ITA
CSV documentation: names, company, street and city at most 100 characters, the industry
description at most 300, ``change_reason`` at most 100, years from 2016.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from oshakit import problems
from oshakit.schema import US_STATES
from oshakit.summary import normalize_digits

SIZES = (1, 21, 22, 3)
ESTABLISHMENT_TYPES = (1, 2, 3)
OUTCOMES = (1, 2, 3, 4)
TYPES = (1, 2, 3, 4, 5, 6)
FIRST_YEAR = 2016  # ITA collects from calendar year 2016 on
TEXT_100 = 100
TEXT_300 = 300
CHANGE_REASON_MAX = 100
MAX_HOURS_PER_EMPLOYEE = 8760  # 365 days x 24 h
MIN_HOURS_PER_EMPLOYEE = 500
COUNTS_G_J = ("total_deaths", "total_dafw_cases", "total_djtr_cases", "total_other_cases")
COUNTS_M = ("total_injuries", "total_skin_disorders", "total_respiratory_conditions",
            "total_poisonings", "total_hearing_loss", "total_other_illnesses")
DAYS_K_L = ("total_dafw_days", "total_djtr_days")
FORM300A_NUMBERS = ("annual_average_employees", "total_hours_worked", *COUNTS_G_J,
                    *DAYS_K_L, *COUNTS_M)

#: The case-data fields of OSHA's v1.3 data dictionary, in its order (``Id`` aside).
CASE_FIELDS = (
    "case_number", "job_title", "date_of_incident", "incident_location",
    "incident_description", "incident_outcome", "dafw_num_away", "djtr_num_tr",
    "type_of_incident", "date_of_birth", "date_of_hire", "sex", "treatment_facility_type",
    "treatment_in_patient", "time_started_work", "time_of_incident", "time_unknown",
    "nar_before_incident", "nar_what_happened", "nar_injury_illness", "nar_object_substance",
    "date_of_death",
)
CASE_INTS = ("incident_outcome", "dafw_num_away", "djtr_num_tr", "type_of_incident",
             "treatment_facility_type", "treatment_in_patient", "time_unknown")
#: "Required to CREATE: Yes" in the data dictionary.
CASE_REQUIRED = ("case_number", "job_title", "date_of_incident", "incident_location",
                 "incident_description", "incident_outcome", "type_of_incident",
                 "date_of_birth", "date_of_hire", "treatment_facility_type",
                 "treatment_in_patient", "nar_before_incident", "nar_what_happened",
                 "nar_injury_illness", "nar_object_substance")
CASE_LIMITS = {"case_number": 100, "job_title": 255, "incident_location": 255,
               "incident_description": 255}
CASE_DATES = ("date_of_incident", "date_of_birth", "date_of_hire", "date_of_death")
CASE_TIMES = ("time_started_work", "time_of_incident")
CASE_CODES = {"incident_outcome": OUTCOMES, "type_of_incident": TYPES,
              "treatment_facility_type": (0, 1), "treatment_in_patient": (0, 1),
              "time_unknown": (0, 1)}

#: Flat 300A CSV column -> where the establishment API body holds it.
ESTABLISHMENT_PATHS = {
    "establishment_name": ("establishment_name",),
    "ein": ("ein",),
    "company_name": ("company", "company_name"),
    "street_address": ("address", "street"),
    "city": ("address", "city"),
    "state": ("address", "state"),
    "zip": ("address", "zip"),
    "naics_code": ("naics", "naics_code"),
    "industry_description": ("naics", "industry_description"),
    "size": ("size",),
    "establishment_type": ("establishment_type",),
}
ESTABLISHMENT_KEYS = {"establishment_name", "ein", "company", "address", "naics", "size",
                      "establishment_type"}
NESTED_KEYS = {"company": {"company_name"}, "address": {"street", "city", "state", "zip"},
               "naics": {"naics_code", "industry_description"}}
FORM300A_KEYS = {"establishment", "year_filing_for", "no_injuries_illnesses",
                 *FORM300A_NUMBERS, "change_reason"}
SUBMISSION_KEYS = {"establishment_id", "year_filing_for", "change_reason"}
#: The file the check table describes (``oshakit.ita.export`` writes it).
FORM300A_FILE = "ita_300a.csv"
CHECK_EXTRA = ["establishment_code", "year", "passed"]

_DATE = re.compile(r"^(0[1-9]|1[0-2])([/-])(0[1-9]|[12]\d|3[01])\2(\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d\d)-(\d\d)")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
PO_BOX = re.compile(r"\b(p\.?\s*o\.?\s*box|post\s+office\s+box|pob)\b|^\s*box\s+\d", re.I)
#: How pandas writes a missing value when a column is cast to text (``astype(str)``).
MISSING_TEXT = frozenset({"nan", "NaN", "<NA>", "NaT"})

Problems = list[tuple[str, str]]


# --- values ---------------------------------------------------------------------------------


def is_missing(value: Any) -> bool:
    """True for None, NaN, pd.NA, NaT, blank text and pandas' text for a missing value."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    if isinstance(value, str):
        return not value.strip() or value.strip() in MISSING_TEXT
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def blank(value: Any) -> bool:
    return is_missing(value)


def as_int(value: Any) -> int | None:
    """An integer from an int, a whole float or a digit string (``"2"``); None otherwise."""
    if isinstance(value, bool) or is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def incident_year(value: Any) -> int | None:
    """The year of a date as ITA writes it (``MM/DD/YYYY``, ``MM-DD-YYYY``) or ISO; None when
    it is not such a date."""
    if is_missing(value):
        return None
    text = str(value).strip()
    m = _DATE.match(text)
    if m:
        return int(m.group(4))
    m = _ISO_DATE.match(text)
    return int(m.group(1)) if m else None


def _text(value: Any) -> str | None:
    return None if is_missing(value) else str(value).strip()


def _digits_ok(value: Any, sizes: tuple[int, ...]) -> bool:
    return value is not None and re.fullmatch(r"\d+", str(value)) is not None \
        and len(str(value)) in sizes


def _show(value: Any) -> str:
    if value is None:
        return "missing"
    return f"{value:,}" if isinstance(value, int) else str(value)


# --- the checks -----------------------------------------------------------------------------

Record = dict[str, Any]
Outcome = tuple[bool, str]


@dataclass(frozen=True)
class Check:
    """One ITA rule. ``column`` is the ITA field it is about (a 300A CSV column); ``scope``
    says which API body carries it: ``establishment``, ``form300a``, ``account`` (across
    establishments: only the check table and the server apply it) or ``kit`` (the kit's own
    requirement beyond OSHA's documents: only the check table, hence the gates)."""

    code: str
    column: str
    severity: str
    scope: str
    test: Callable[[Record], Outcome]


def _n(r: Record, f: str) -> int:
    """A count for the cross-field rules: missing or not whole counts as 0 (reported once,
    by ``counts_whole``)."""
    v = as_int(r.get(f))
    return v if v is not None and v >= 0 else 0


def _cases(r: Record) -> int:
    return sum(_n(r, f) for f in COUNTS_G_J)


def _types_match(r: Record) -> Outcome:
    m, cases = sum(_n(r, f) for f in COUNTS_M), _cases(r)
    return m == cases, (f"injury and illness types M1-M6 total {m}, cases in columns G-J "
                        f"total {cases}" + ("" if m == cases else
                                            "; every case needs exactly one type (column M)"))


def _counts_whole(r: Record) -> Outcome:
    bad = [f for f in (*COUNTS_G_J, *DAYS_K_L, *COUNTS_M)
           if as_int(r.get(f)) is None or as_int(r.get(f)) < 0]
    if bad:
        return False, f"{', '.join(bad)} must be whole numbers, 0 or more"
    return True, "every count and day total is a whole number, 0 or more"


def _whole_positive(r: Record, f: str) -> int | None:
    v = as_int(r.get(f))
    return v if v is not None and v > 0 else None


def _employees_exceed(r: Record) -> Outcome:
    emp, cases = as_int(r.get("annual_average_employees")), _cases(r)
    return emp is not None and emp > cases, (
        f"annual average employees {_show(emp)}" + ("; it" if emp is None else "")
        + f" must exceed the {cases} recordable cases")


def _dafw_match(r: Record) -> Outcome:
    h, k = _n(r, "total_dafw_cases"), _n(r, "total_dafw_days")
    return (h > 0) == (k > 0), (f"{h} days-away cases (H) and {k} days away (K): one is zero "
                                "only if the other is")


def _dafw_cover(r: Record) -> Outcome:
    h, k = _n(r, "total_dafw_cases"), _n(r, "total_dafw_days")
    return k >= h, f"{k} days away (K) must be at least the {h} days-away cases (H)"


def _djtr_days(r: Record) -> Outcome:
    i, l_ = _n(r, "total_djtr_cases"), _n(r, "total_djtr_days")
    return i == 0 or l_ > 0, (f"{i} job transfer or restriction cases (I) with {l_} days of "
                              "transfer or restriction (L)")


def _djtr_cases(r: Record) -> Outcome:
    h, i, l_ = _n(r, "total_dafw_cases"), _n(r, "total_djtr_cases"), _n(r, "total_djtr_days")
    return l_ == 0 or h + i > 0, (f"{l_} days of transfer or restriction (L) with {h + i} "
                                  "cases in columns H and I")


def _ratio(r: Record) -> tuple[float | None, str]:
    emp = _whole_positive(r, "annual_average_employees")
    hours = as_int(r.get("total_hours_worked"))
    if emp is not None and hours is not None:
        ratio = hours / emp
        return ratio, f"{hours:,} hours / {emp:,} employees = {ratio:,.0f} hours per employee"
    return None, (f"hours worked {_show(hours)}, employees "
                  f"{_show(as_int(r.get('annual_average_employees')))}: cannot compute hours "
                  "per employee")


def _hours_max(r: Record) -> Outcome:
    ratio, text = _ratio(r)
    return ratio is not None and ratio < MAX_HOURS_PER_EMPLOYEE, \
        f"{text} (must be under {MAX_HOURS_PER_EMPLOYEE:,})"


def _hours_min(r: Record) -> Outcome:
    ratio, text = _ratio(r)
    return ratio is not None and ratio > MIN_HOURS_PER_EMPLOYEE, \
        f"{text} (expected above {MIN_HOURS_PER_EMPLOYEE}; check hours and employees)"


def _raw_number(r: Record, f: str) -> str:
    v = as_int(r.get(f))
    return _show(v if v is not None else _text(r.get(f)))


def _employees_positive(r: Record) -> Outcome:
    return _whole_positive(r, "annual_average_employees") is not None, (
        f"annual average employees {_raw_number(r, 'annual_average_employees')} "
        "(must be a whole number above 0)")


def _hours_positive(r: Record) -> Outcome:
    return _whole_positive(r, "total_hours_worked") is not None, (
        f"total hours worked {_raw_number(r, 'total_hours_worked')} "
        "(must be a whole number above 0)")


def _no_injuries(r: Record) -> Outcome:
    flag, cases = as_int(r.get("no_injuries_illnesses")), _cases(r)
    want = 1 if cases else 2
    return flag == want, (f"no_injuries_illnesses {_show(flag)} with {cases} cases: 1 when the "
                          "establishment had injuries or illnesses, 2 when it had none")


def _year(r: Record) -> Outcome:
    year = as_int(r.get("year_filing_for"))
    return year is not None and year >= FIRST_YEAR, (
        f"year {_show(year if year is not None else _text(r.get('year_filing_for')))} "
        f"(ITA takes {FIRST_YEAR} and later)")


def _length(label: str, f: str, limit: int, *, required: bool) -> Callable[[Record], Outcome]:
    def test(r: Record) -> Outcome:
        text = _text(r.get(f))
        if text is None:
            return not required, f"{label} missing" + (" (ITA requires it)" if required
                                                        else " (optional)")
        return len(text) <= limit, f"{label} is {len(text)} characters (at most {limit})"
    return test


def _name_unique(r: Record) -> Outcome:
    name = _text(r.get("establishment_name"))
    if name is None:
        return False, "establishment name missing"
    dup = bool(r.get("_duplicate_name"))
    return not dup, f"establishment name {name!r} " + (
        "is used by another establishment" if dup else "is unique")


def _street(r: Record) -> Outcome:
    street = _text(r.get("street_address"))
    if street is None:
        return False, "street address missing"
    box = bool(PO_BOX.search(street))
    return not box, f"street address {street!r} " + (
        "is a PO box; OSHA needs the physical address" if box else "is a street address")


def _street_length(r: Record) -> Outcome:
    street = _text(r.get("street_address"))
    if street is None:
        return True, "no street address to measure (see street_not_po_box)"
    return len(street) <= TEXT_100, f"street address is {len(street)} characters (at most 100)"


def _digits(label: str, f: str, lengths: tuple[int, ...], *,
            required: bool = True) -> Callable[[Record], Outcome]:
    need = " or ".join(str(n) for n in lengths)

    def test(r: Record) -> Outcome:
        value = _text(r.get(f))
        if value is None:
            return not required, f"{label} missing ({need} digits needed)" if required \
                else f"{label} not given (optional in ITA; checked by its own rule)"
        ok = _digits_ok(value, lengths)
        return ok, f"{label} {value!r} " + ("is valid" if ok else f"must be {need} digits")
    return test


def _ein_present(r: Record) -> Outcome:
    ok = _text(r.get("ein")) is not None
    return ok, "EIN given" if ok else ("EIN missing (9 digits needed: recordkeeping.md "
                                       "section 6; OSHA's CSV documentation lists it without "
                                       "marking it required)")


def _state(r: Record) -> Outcome:
    state = _text(r.get("state"))
    if state is None:
        return False, "state missing"
    ok = state in US_STATES
    return ok, f"state {state!r} " + ("is valid" if ok else "is not a 2-letter US state code")


def _establishment_type(r: Record) -> Outcome:
    raw = r.get("establishment_type")
    if is_missing(raw):
        return True, "establishment type not given (optional: 1 private, 2 state government, " \
                     "3 local government)"
    ok = as_int(raw) in ESTABLISHMENT_TYPES
    return ok, f"establishment type {_text(raw)!r} " + ("is valid" if ok else "must be 1, 2 or 3")


def _size(r: Record) -> Outcome:
    size, peak = as_int(r.get("size")), r.get("peak_employees")
    peak_text = f"peak employment {_show(as_int(peak))}"
    if is_missing(r.get("size")):
        return False, f"{peak_text}: no ITA size code" if "peak_employees" in r \
            else "size missing (1, 21, 22 or 3)"
    ok = size in SIZES
    if ok and "peak_employees" in r:
        return True, f"{peak_text} gives size code {size}"
    return ok, f"size code {_text(r.get('size'))!r} " + (
        "is valid" if ok else "must be 1, 21, 22 or 3")


CHECKS: tuple[Check, ...] = (
    Check("types_match_outcomes", "total_injuries", "error", "form300a", _types_match),
    Check("counts_whole", "total_deaths", "error", "form300a", _counts_whole),
    Check("employees_exceed_cases", "annual_average_employees", "error", "form300a",
          _employees_exceed),
    Check("dafw_cases_match_days", "total_dafw_days", "error", "form300a", _dafw_match),
    Check("dafw_days_cover_cases", "total_dafw_days", "error", "form300a", _dafw_cover),
    Check("djtr_cases_have_days", "total_djtr_days", "error", "form300a", _djtr_days),
    Check("djtr_days_have_cases", "total_djtr_days", "error", "form300a", _djtr_cases),
    Check("hours_per_employee_max", "total_hours_worked", "error", "form300a", _hours_max),
    Check("hours_per_employee_min", "total_hours_worked", "warning", "form300a", _hours_min),
    Check("employees_positive", "annual_average_employees", "error", "form300a",
          _employees_positive),
    Check("hours_positive", "total_hours_worked", "error", "form300a", _hours_positive),
    Check("no_injuries_flag", "no_injuries_illnesses", "error", "form300a", _no_injuries),
    Check("year_filing_for", "year_filing_for", "error", "form300a", _year),
    Check("name_length", "establishment_name", "error", "establishment",
          _length("establishment name", "establishment_name", TEXT_100, required=True)),
    Check("name_unique", "establishment_name", "error", "account", _name_unique),
    Check("company_name", "company_name", "error", "establishment",
          _length("company name", "company_name", TEXT_100, required=True)),
    Check("street_not_po_box", "street_address", "error", "establishment", _street),
    Check("street_length", "street_address", "error", "establishment", _street_length),
    Check("city_length", "city", "error", "establishment",
          _length("city", "city", TEXT_100, required=True)),
    Check("industry_description_length", "industry_description", "error", "establishment",
          _length("industry description", "industry_description", TEXT_300, required=False)),
    Check("ein_present", "ein", "error", "kit", _ein_present),
    Check("ein_9_digits", "ein", "error", "establishment",
          _digits("EIN", "ein", (9,), required=False)),
    Check("zip_5_or_9_digits", "zip", "error", "establishment",
          _digits("ZIP code", "zip", (5, 9))),
    Check("naics_6_digits", "naics_code", "error", "establishment",
          _digits("NAICS code", "naics_code", (6,))),
    Check("state_code", "state", "error", "establishment", _state),
    Check("establishment_type_code", "establishment_type", "error", "establishment",
          _establishment_type),
    Check("size_code", "size", "error", "establishment", _size),
)
CHECK_CODES = tuple(c.code for c in CHECKS)


def run_checks(record: Record, scopes: Iterable[str]) -> list[tuple[Check, bool, str]]:
    """Every check of ``scopes`` on one record: ``(check, passed, message)``."""
    scopes = set(scopes)
    return [(c, *c.test(record)) for c in CHECKS if c.scope in scopes]


# --- the check table --------------------------------------------------------------------------


def record_from_summary(row: dict[str, Any]) -> Record:
    """The flat ITA record of one 300A summary row (``oshakit.summary.summarize``), with
    EIN, ZIP and NAICS written as the ITA export writes them."""
    r: Record = {k: (None if is_missing(v) else v) for k, v in row.items()}
    for f in ("ein", "zip", "naics_code"):
        r[f] = None if is_missing(row.get(f)) else normalize_digits(row.get(f))
    state = _text(row.get("state"))
    r["state"] = state.upper() if state else None
    r["year_filing_for"] = row.get("year")
    return r


def _label(row: dict[str, Any]) -> str:
    name, code = _text(row.get("establishment_name")), _text(row.get("establishment_code"))
    who = f"{name} ({code})" if name else f"establishment {code or '(unknown)'}"
    return f"{who}, {row.get('year')}"


def ita_checks(summaries: pd.DataFrame) -> pd.DataFrame:
    """Every ITA check on every 300A summary: one row per check per establishment-year,
    ``passed`` True or False, in the problem-table shape (``file, line, column,
    case_number, code, severity, message`` then ``establishment_code, year, passed``).
    ``code`` is the check's name, ``column`` the ITA field it checks, ``message`` names the
    establishment, the year and the numbers."""
    names = summaries["establishment_name"].astype("str").str.strip().str.casefold()
    names = names.where(summaries["establishment_name"].notna())
    dupes = names.notna() & summaries.assign(_n=names).duplicated(["year", "_n"], keep=False)
    rows: list[dict[str, Any]] = []
    for row, dup in zip(summaries.to_dict("records"), dupes, strict=True):
        record = record_from_summary(row)
        record["_duplicate_name"] = bool(dup)
        label = _label(row)
        for check, passed, message in run_checks(record, ("form300a", "establishment",
                                                          "account", "kit")):
            rows.append({"file": FORM300A_FILE, "line": pd.NA, "column": check.column,
                         "case_number": pd.NA, "code": check.code,
                         "severity": check.severity, "message": f"{label}: {message}",
                         "establishment_code": row.get("establishment_code"),
                         "year": row.get("year"), "passed": bool(passed)})
    if not rows:
        return problems.empty(CHECK_EXTRA, {"year": "int64", "passed": "bool"})
    table = pd.DataFrame(rows)
    return problems.conform(table, CHECK_EXTRA).astype({"passed": "bool"})


# --- API bodies ---------------------------------------------------------------------------------


def _at(body: dict[str, Any], path: tuple[str, ...]) -> Any:
    v: Any = body
    for p in path:
        v = v.get(p) if isinstance(v, dict) else None
    return v


def record_from_establishment(body: dict[str, Any]) -> Record:
    """The flat record of an establishment API body (``company``, ``address``, ``naics``
    nested as OSHA's API has them)."""
    return {f: _at(body, p) for f, p in ESTABLISHMENT_PATHS.items()}


def _unknown(body: dict[str, Any], allowed: set[str], prefix: str = "") -> Problems:
    out: Problems = []
    for k, v in body.items():
        if k not in allowed:
            out.append((prefix + k, "is not a field of ITA's API"))
        elif prefix == "" and k in NESTED_KEYS:
            if not isinstance(v, dict):
                out.append((k, "must be an object"))
            else:
                out += _unknown(v, NESTED_KEYS[k], f"{k}.")
    return out


def establishment_errors(body: dict[str, Any], *, extra_keys: Iterable[str] = ()) -> Problems:
    """An establishment body (create or edit): ``(field, message)`` per error; ``field`` is
    the body's dotted path (``address.zip``)."""
    out = _unknown(body, ESTABLISHMENT_KEYS | set(extra_keys))
    paths = {f: ".".join(p) for f, p in ESTABLISHMENT_PATHS.items()}
    for check, passed, message in run_checks(record_from_establishment(body),
                                             ("establishment",)):
        if not passed and check.severity == "error":
            out.append((paths[check.column], message))
    return out


def form300a_errors(body: dict[str, Any], *, extra_keys: Iterable[str] = ()) -> Problems:
    """A Form 300A body: every number present and whole, ITA's cross-field rules, the year
    and the change reason."""
    out = _unknown(body, FORM300A_KEYS | set(extra_keys))
    for check, passed, message in run_checks(body, ("form300a",)):
        if not passed and check.severity == "error":
            out.append((check.column, message))
    out += change_reason_errors(body.get("change_reason"))
    return out


def change_reason_errors(reason: Any) -> Problems:
    text = _text(reason)
    if text is not None and len(text) > CHANGE_REASON_MAX:
        return [("change_reason", f"is {len(text)} characters (at most {CHANGE_REASON_MAX})")]
    return []


def submission_errors(body: dict[str, Any]) -> Problems:
    """A Complete Submission body: ``establishment_id``, ``year_filing_for``, optional
    ``change_reason`` (the seed's sample request)."""
    out = _unknown(body, SUBMISSION_KEYS)
    if is_missing(body.get("establishment_id")):
        out.append(("establishment_id", "is required"))
    year = as_int(body.get("year_filing_for"))
    if year is None or year < FIRST_YEAR:
        out.append(("year_filing_for", f"must be a year, {FIRST_YEAR} or later"))
    return out + change_reason_errors(body.get("change_reason"))


def case_errors(body: dict[str, Any], *, edit: bool = False) -> Problems:
    """One case-data object against the v1.3 data dictionary: only its fields (plus the
    embedded ``establishment``, and the ``id`` an edit needs), the required ones on create,
    lengths, date and time formats, codes."""
    out: Problems = []
    allowed = {"establishment", *CASE_FIELDS} | ({"id"} if edit else set())
    out += [(k, "is not a field of ITA's case data (v1.3 data dictionary)")
            for k in body if k not in allowed]
    if edit:
        if blank(body.get("id")):
            out.append(("id", "is required to edit case data"))
    else:
        ref = body.get("establishment")
        if not isinstance(ref, dict) or all(blank(ref.get(k)) for k in ("id",
                                                                       "establishment_name")):
            out.append(("establishment", "needs the establishment's id or name"))
        out += [(f, "is required") for f in CASE_REQUIRED if blank(body.get(f))]
    present = {f for f in CASE_FIELDS if f in body and not blank(body[f])}
    for f, limit in CASE_LIMITS.items():
        if f in present and len(str(body[f])) > limit:
            out.append((f, f"longer than {limit} characters"))
    for f in CASE_DATES:
        if f in present and not _DATE.match(str(body[f]).strip()):
            out.append((f, "must be MM/DD/YYYY (or MM-DD-YYYY)"))
    for f in CASE_TIMES:
        if f in present and not _TIME.match(str(body[f]).strip()):
            out.append((f, "must be HH:MM (24-hour)"))
    for f, allowed_codes in CASE_CODES.items():
        if f in present and as_int(body[f]) not in allowed_codes:
            out.append((f, f"must be one of {list(allowed_codes)}"))
    for f in ("dafw_num_away", "djtr_num_tr"):
        v = as_int(body[f]) if f in present else 0
        if v is None or not 0 <= v <= 999:
            out.append((f, "must be a whole number of at most 3 digits"))
    if "sex" in present and str(body["sex"]).strip() not in ("M", "F"):
        out.append(("sex", "must be M, F or blank"))
    return out
