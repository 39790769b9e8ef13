"""JSON request bodies for the ITA API, built from the ITA frames of ``oshakit.ita.export``.

The 300A frame row gives the establishment body and the Form 300A body, each case-data row
one case body: exactly the fields of OSHA's v1.3 case-data dictionary
(:data:`oshakit.ita.rules.CASE_FIELDS`) with ``establishment: {id | establishment_name}``;
the frame's ``establishment_name`` and ``year_of_filing`` columns (CSV only) are not sent,
since the server assigns the year. Missing values are left out, whatever form pandas gave
them (None, NaN, NA, NaT, or the text ``nan`` of an ``astype(str)``). ``payload_hash`` is the
fingerprint the ledger keeps to tell changed data from unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from oshakit.ita.rules import (
    CASE_DATES,
    CASE_FIELDS,
    CASE_INTS,
    FORM300A_NUMBERS,
    as_int,
    is_missing,
)

CASE_DATA_POLICIES = ("auto", "all", "none")
#: ITA size codes of 100 or more employees: today's rule for sending case data.
CASE_DATA_SIZES = (22, 3)


def clean(value: Any) -> Any:
    """A JSON-ready scalar: None for every missing value, numpy scalars unwrapped, text
    stripped."""
    if is_missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, str):
        return value.strip()
    return value


def _int(value: Any, *, ceil: bool = False) -> Any:
    """A whole number when the value is one (floats rounded up when ``ceil``); else as is."""
    value = clean(value)
    if isinstance(value, float):
        return math.ceil(value) if ceil else (int(value) if value.is_integer() else value)
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return value


def _drop_none(d: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict):
            v = _drop_none(v)
            if not v:
                continue
        if v is not None:
            out[k] = v
    return out


def establishment_ref(name: str, establishment_id: str | None = None) -> dict[str, str]:
    """The embedded ``establishment`` object: its id when known, and its name."""
    ref = {"establishment_name": name}
    return {"id": str(establishment_id), **ref} if establishment_id else ref


def _str(value: Any) -> str | None:
    """Text for a code field (EIN, ZIP, NAICS, state, case number): never a number."""
    value = clean(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return None if value is None else str(value)


def establishment_body(row: dict[str, Any]) -> dict[str, Any]:
    """Create/edit-establishment body from one 300A frame row: ``company``, ``address`` and
    ``naics`` nested as OSHA's API has them; a blank optional field is left out."""
    return _drop_none({
        "establishment_name": clean(row.get("establishment_name")),
        "ein": _str(row.get("ein")),
        "company": {"company_name": clean(row.get("company_name"))},
        "address": {
            "street": clean(row.get("street_address")),
            "city": clean(row.get("city")),
            "state": _str(row.get("state")),
            "zip": _str(row.get("zip")),
        },
        "naics": {
            "naics_code": _str(row.get("naics_code")),
            "industry_description": clean(row.get("industry_description")),
        },
        "size": _int(row.get("size")),
        "establishment_type": _int(row.get("establishment_type")),
    })


def form300a_body(row: dict[str, Any], establishment_id: str | None = None) -> dict[str, Any]:
    """Add-300A body from one 300A frame row (employees and hours rounded up, 1904.32)."""
    body: dict[str, Any] = {
        "establishment": establishment_ref(clean(row["establishment_name"]), establishment_id),
        "year_filing_for": _int(row.get("year_filing_for")),
        "no_injuries_illnesses": _int(row.get("no_injuries_illnesses")),
    }
    for f in FORM300A_NUMBERS:
        body[f] = _int(row.get(f), ceil=f in ("annual_average_employees", "total_hours_worked"))
    body["change_reason"] = clean(row.get("change_reason"))
    return _drop_none(body)


def case_body(row: dict[str, Any], establishment_id: str | None = None) -> dict[str, Any]:
    """Add-case-data body from one case-data frame row: the data dictionary's fields only."""
    body: dict[str, Any] = {
        "establishment": establishment_ref(clean(row["establishment_name"]), establishment_id),
    }
    for f in CASE_FIELDS:
        body[f] = _int(row.get(f)) if f in CASE_INTS else clean(row.get(f))
    body["case_number"] = _str(row.get("case_number"))
    return _drop_none(body)


def content(body: dict[str, Any]) -> dict[str, Any]:
    """The body without its establishment reference (the data itself)."""
    return {k: v for k, v in body.items() if k not in ("establishment", "id", "change_reason")}


def payload_hash(body: Any) -> str:
    """SHA-256 of the canonical JSON of the data (establishment reference excluded)."""
    if isinstance(body, dict):
        body = content(body)
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Dotted keys (stripped, as OSHA's samples sometimes pad them) -> present values."""
    out: dict[str, Any] = {}
    for k, v in d.items():
        key = f"{prefix}{str(k).strip()}"
        if isinstance(v, dict):
            out.update(_flat(v, f"{key}."))
        elif not is_missing(v):
            out[key] = v
    return out


def same_value(name: str, a: Any, b: Any) -> bool:
    """Equal as ITA means it: numbers by value (``"1"`` is 1), dates by day (``07/18/2022``
    is ``07-18-2022``), text once stripped; a missing value equals only a missing one."""
    if is_missing(a) or is_missing(b):
        return is_missing(a) and is_missing(b)
    if name.rsplit(".", 1)[-1] in CASE_DATES:
        a, b = str(a).strip().replace("-", "/"), str(b).strip().replace("-", "/")
        return a == b
    ia, ib = as_int(a), as_int(b)
    if ia is not None and ib is not None:
        return ia == ib
    return str(a).strip() == str(b).strip()


def cleared(desired: dict[str, Any], held: dict[str, Any],
            fields: tuple[str, ...] = CASE_FIELDS) -> list[str]:
    """Fields of ``fields`` (by default the case-data dictionary) that the server holds with
    a value but ``desired`` no longer has: cleared in the log, still set in ITA (an edit
    only changes the fields it sends)."""
    have = _flat(held)
    return sorted(f for f in fields if is_missing(desired.get(f)) and f in have)


def differences(desired: dict[str, Any], held: dict[str, Any],
                fields: tuple[str, ...] = ()) -> list[str]:
    """Fields of ``desired`` (its data and change reason, not its references) whose value
    differs from what the server holds, and fields of ``fields`` the server holds with a
    value that ``desired`` lacks (:func:`cleared`)."""
    want = _flat({k: v for k, v in desired.items() if k not in ("establishment", "id")})
    have = _flat(held)
    diff = {k for k, v in want.items() if not same_value(k, v, have.get(k))}
    return sorted(diff | set(cleared(desired, held, fields) if fields else ()))


@dataclass
class EstablishmentPlan:
    """Everything one establishment-year would send, built from the frames."""

    name: str
    code: str | None
    year: int
    establishment: dict[str, Any]
    form300a: dict[str, Any]
    cases: list[dict[str, Any]] = field(default_factory=list)
    send_cases: bool = False
    #: Why the case-data duty is unknown when ``auto`` therefore sends none (else None).
    duty_unknown: str | None = None

    @property
    def fingerprint(self) -> str:
        """Hash of all the data of this establishment-year, as the ledger records it."""
        return payload_hash({  # (not the key "establishment": payload_hash drops that one)
            "establishment_data": payload_hash(self.establishment),
            "form300A": payload_hash(self.form300a),
            "cases": sorted(payload_hash(c) for c in self.cases) if self.send_cases else [],
        })


def sends_case_data(policy: str, size: Any, due: bool | None = None) -> bool:
    """Whether an establishment's case data (Forms 300 and 301) is sent: ``all`` always,
    ``none`` never; ``auto`` follows ``due`` (OSHA's filing duty, computed elsewhere) when it
    is known, else today's rule: 100 or more employees (ITA size 22 or 3). :func:`plans`
    never asks ``auto`` about a duty computed as unknown: it sends none."""
    if policy not in CASE_DATA_POLICIES:
        raise ValueError(f"case data policy must be one of {CASE_DATA_POLICIES}, not {policy!r}")
    if policy != "auto":
        return policy == "all"
    if due is not None:
        return bool(due)
    return as_int(size) in CASE_DATA_SIZES


def _year_rows(frame: pd.DataFrame, column: str, year: int) -> pd.DataFrame:
    return frame[pd.to_numeric(frame[column], errors="coerce") == year]


def plans(
    form300a: pd.DataFrame,
    case_data: pd.DataFrame,
    year: int,
    *,
    codes: dict[str, str] | None = None,
    case_data_policy: str = "auto",
    case_data_due: dict[str, bool | None] | None = None,
    duty_reasons: dict[str, str] | None = None,
) -> list[EstablishmentPlan]:
    """One plan per 300A row of ``year``; the cases are the case-data rows of that year.
    Whether each sends its case data: :func:`sends_case_data` with ``case_data_due`` looked
    up by establishment code, else by name. A duty computed as unknown (an entry that is
    None: an unplaceable NAICS, say) is "reported, never guessed": ``auto`` sends no case
    data for it and the plan's ``duty_unknown`` says why (``duty_reasons`` by code); only
    ``all`` sends it."""
    codes, due = codes or {}, case_data_due or {}
    rows = _year_rows(form300a, "year_filing_for", year)
    by_name: dict[str, list[dict[str, Any]]] = {}
    if len(case_data):
        for rec in _year_rows(case_data, "year_of_filing", year).to_dict("records"):
            by_name.setdefault(str(clean(rec["establishment_name"])), []).append(case_body(rec))
    out = []
    for rec in rows.to_dict("records"):
        name = str(clean(rec["establishment_name"]))
        code = codes.get(name)
        key = code if code is not None and code in due else name
        flag = due.get(key)
        unknown = key in due and flag is None and case_data_policy == "auto"
        send = False if unknown else sends_case_data(case_data_policy, rec.get("size"), flag)
        why = (duty_reasons or {}).get(key) or "the filing duty could not be decided"
        out.append(EstablishmentPlan(
            name=name, code=code, year=year,
            establishment=establishment_body(rec), form300a=form300a_body(rec),
            cases=by_name.get(name, []), send_cases=send,
            duty_unknown=why if unknown else None,
        ))
    return out
