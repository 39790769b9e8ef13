"""JSON request bodies for the ITA API, built from the ITA frames of ``oshakit.ita.export``.

The 300A frame row gives the establishment body and the Form 300A body, each case-data row
one case body (the CSV columns with ``establishment: {id | establishment_name}`` in place of
``establishment_name``). Missing values are left out. ``payload_hash`` is the fingerprint the
ledger keeps to tell changed data from unchanged.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from oshakit.ita.rules import FORM300A_NUMBERS

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


def clean(value: Any) -> Any:
    """A JSON-ready scalar: None for every missing value, numpy scalars unwrapped."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
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


def establishment_body(row: dict[str, Any]) -> dict[str, Any]:
    """Create/edit-establishment body from one 300A frame row."""
    return _drop_none({
        "establishment_name": clean(row.get("establishment_name")),
        "ein": clean(row.get("ein")),
        "company": {"company_name": clean(row.get("company_name"))},
        "address": {
            "street": clean(row.get("street_address")),
            "city": clean(row.get("city")),
            "state": clean(row.get("state")),
            "zip": clean(row.get("zip")),
        },
        "naics": {
            "naics_code": clean(row.get("naics_code")),
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
    """Add-case-data body from one case-data frame row."""
    body: dict[str, Any] = {
        "establishment": establishment_ref(clean(row["establishment_name"]), establishment_id),
        "year_of_filing": _int(row.get("year_of_filing")),
    }
    for f in CASE_FIELDS:
        body[f] = _int(row.get(f)) if f in CASE_INTS else clean(row.get(f))
    if body["case_number"] is not None:
        body["case_number"] = str(body["case_number"])
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


def _flat(d: dict[str, Any], prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in d.items():
        if isinstance(v, dict):
            out.update(_flat(v, f"{prefix}{k}."))
        elif v is not None and str(v).strip():
            out[prefix + k] = str(v).strip()
    return out


def differences(desired: dict[str, Any], held: dict[str, Any]) -> list[str]:
    """Fields whose value in ``desired`` differs from what the server holds."""
    want, have = _flat(content(desired)), _flat(held)
    return sorted(k for k, v in want.items() if have.get(k) != v)


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

    @property
    def fingerprint(self) -> str:
        """Hash of all the data of this establishment-year, as the ledger records it."""
        return payload_hash({  # (not the key "establishment": payload_hash drops that one)
            "establishment_data": payload_hash(self.establishment),
            "form300A": payload_hash(self.form300a),
            "cases": sorted(payload_hash(c) for c in self.cases) if self.send_cases else [],
        })


def plans(
    form300a: pd.DataFrame,
    case_data: pd.DataFrame,
    year: int,
    *,
    codes: dict[str, str] | None = None,
    case_data_policy: str = "auto",
) -> list[EstablishmentPlan]:
    """One plan per 300A row of ``year``. ``case_data_policy``: ``auto`` sends case data for
    establishments of 100 or more employees (size 22 or 3), ``all`` for every one, ``none``
    for none."""
    codes = codes or {}
    rows = form300a[form300a["year_filing_for"].astype("Int64") == year]
    by_name: dict[str, list[dict[str, Any]]] = {}
    if len(case_data):
        cd = case_data[case_data["year_of_filing"].astype("Int64") == year]
        for rec in cd.to_dict("records"):
            by_name.setdefault(str(clean(rec["establishment_name"])), []).append(case_body(rec))
    out = []
    for rec in rows.to_dict("records"):
        name = str(clean(rec["establishment_name"]))
        size = _int(rec.get("size"))
        send = case_data_policy == "all" or (case_data_policy == "auto" and size in (22, 3))
        out.append(EstablishmentPlan(
            name=name, code=codes.get(name), year=year,
            establishment=establishment_body(rec), form300a=form300a_body(rec),
            cases=by_name.get(name, []), send_cases=send,
        ))
    return out
