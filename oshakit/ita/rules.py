"""ITA's field rules on request bodies (recordkeeping.md sections 6 and 9).

One copy of the rules, used twice: by the pre-send gates on the exact payloads the kit is
about to send, and by the rehearsal server, which answers with them as ITA would.
Each function returns a list of ``(field, message)``; empty means valid.
"""

from __future__ import annotations

import re
from typing import Any

SIZES = {1, 21, 22, 3}
ESTABLISHMENT_TYPES = {1, 2, 3}
OUTCOMES = {1, 2, 3, 4}
TYPES = {1, 2, 3, 4, 5, 6}
COUNTS_G_J = ("total_deaths", "total_dafw_cases", "total_djtr_cases", "total_other_cases")
COUNTS_M = ("total_injuries", "total_skin_disorders", "total_respiratory_conditions",
            "total_poisonings", "total_hearing_loss", "total_other_illnesses")
FORM300A_NUMBERS = ("annual_average_employees", "total_hours_worked", *COUNTS_G_J,
                    "total_dafw_days", "total_djtr_days", *COUNTS_M)
CASE_REQUIRED = ("case_number", "job_title", "date_of_incident", "incident_location",
                 "incident_description", "incident_outcome", "type_of_incident",
                 "date_of_birth", "date_of_hire", "treatment_facility_type",
                 "treatment_in_patient", "nar_before_incident", "nar_what_happened",
                 "nar_injury_illness", "nar_object_substance")
CASE_LIMITS = {"case_number": 100, "job_title": 255, "incident_location": 255,
               "incident_description": 255}
CASE_DATES = ("date_of_incident", "date_of_birth", "date_of_hire", "date_of_death")
CASE_TIMES = ("time_started_work", "time_of_incident")
_DATE = re.compile(r"^(0[1-9]|1[0-2])[/-](0[1-9]|[12]\d|3[01])[/-]\d{4}$")
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_PO_BOX = re.compile(r"\bP\.?\s*O\.?\s*BOX\b|\bPOST\s+OFFICE\s+BOX\b", re.IGNORECASE)

Problems = list[tuple[str, str]]


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def as_int(value: Any) -> int | None:
    """An integer from an int or a digit string (``"2"``); None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return None


def _digits(value: Any, sizes: tuple[int, ...]) -> bool:
    return isinstance(value, str | int) and re.fullmatch(r"\d+", str(value)) is not None \
        and len(str(value)) in sizes


def establishment_errors(body: dict[str, Any]) -> Problems:
    """An establishment (create or edit)."""
    out: Problems = []
    name = body.get("establishment_name")
    if blank(name):
        out.append(("establishment_name", "is required"))
    elif len(str(name)) > 100:
        out.append(("establishment_name", "longer than 100 characters"))
    address = body.get("address") or {}
    for f in ("street", "city", "state", "zip"):
        if blank(address.get(f)):
            out.append((f"address.{f}", "is required"))
    if not blank(address.get("street")) and _PO_BOX.search(str(address["street"])):
        out.append(("address.street", "must not be a PO box"))
    if not blank(address.get("state")) and not re.fullmatch(r"[A-Z]{2}", str(address["state"])):
        out.append(("address.state", "must be a 2-letter code"))
    if not blank(address.get("zip")) and not _digits(address["zip"], (5, 9)):
        out.append(("address.zip", "must be 5 or 9 digits"))
    if not blank(body.get("ein")) and not _digits(body["ein"], (9,)):
        out.append(("ein", "must be 9 digits"))
    naics = (body.get("naics") or {}).get("naics_code")
    if blank(naics) or not _digits(naics, (6,)):
        out.append(("naics.naics_code", "must be 6 digits"))
    if as_int(body.get("size")) not in SIZES:
        out.append(("size", "must be 1, 21, 22 or 3"))
    if as_int(body.get("establishment_type")) not in ESTABLISHMENT_TYPES:
        out.append(("establishment_type", "must be 1, 2 or 3"))
    return out


def form300a_errors(body: dict[str, Any]) -> Problems:
    """A Form 300A: every number present and whole, then ITA's cross-field checks."""
    out: Problems = []
    if as_int(body.get("year_filing_for")) is None:
        out.append(("year_filing_for", "is required"))
    n = {f: as_int(body.get(f)) for f in FORM300A_NUMBERS}
    for f, v in n.items():
        if v is None or v < 0:
            out.append((f, "must be a whole number, 0 or more"))
    if out:
        return out
    cases = sum(n[f] for f in COUNTS_G_J)
    g, h, i, j = (n[f] for f in COUNTS_G_J)
    k, l_ = n["total_dafw_days"], n["total_djtr_days"]
    emp, hours = n["annual_average_employees"], n["total_hours_worked"]
    if sum(n[f] for f in COUNTS_M) != cases:
        out.append(("total_injuries", "M1+...+M6 must equal G+H+I+J"))
    if emp <= 0 or hours <= 0:
        out.append(("annual_average_employees", "employees and hours must be above 0"))
    elif emp <= cases:
        out.append(("annual_average_employees", "must be greater than G+H+I+J"))
    elif hours / emp >= 8760:
        out.append(("total_hours_worked", "hours per employee must be under 8,760"))
    if (h > 0) != (k > 0):
        out.append(("total_dafw_days", "H > 0 if and only if K > 0"))
    if k < h:
        out.append(("total_dafw_days", "K must be at least H"))
    if i > 0 and l_ <= 0:
        out.append(("total_djtr_days", "I > 0 requires L > 0"))
    if l_ > 0 and h + i <= 0:
        out.append(("total_djtr_days", "L > 0 requires H + I > 0"))
    flag = as_int(body.get("no_injuries_illnesses"))
    if flag not in (1, 2) or (flag == 2) != (cases == 0):
        out.append(("no_injuries_illnesses", "1 when there were cases, 2 when none"))
    return out


def case_errors(body: dict[str, Any], *, edit: bool = False) -> Problems:
    """One case-data object (create, or with ``edit`` only the fields present)."""
    out: Problems = []
    if not edit:
        out += [(f, "is required") for f in CASE_REQUIRED if blank(body.get(f))]
    present = {f for f, v in body.items() if not blank(v)}
    for f, limit in CASE_LIMITS.items():
        if f in present and len(str(body[f])) > limit:
            out.append((f, f"longer than {limit} characters"))
    for f in CASE_DATES:
        if f in present and not _DATE.match(str(body[f])):
            out.append((f, "must be MM/DD/YYYY"))
    for f in CASE_TIMES:
        if f in present and not _TIME.match(str(body[f])):
            out.append((f, "must be HH:MM (24-hour)"))
    codes = {"incident_outcome": OUTCOMES, "type_of_incident": TYPES,
             "treatment_facility_type": {0, 1}, "treatment_in_patient": {0, 1},
             "time_unknown": {0, 1}}
    for f, allowed in codes.items():
        if f in present and as_int(body[f]) not in allowed:
            out.append((f, f"must be one of {sorted(allowed)}"))
    for f in ("dafw_num_away", "djtr_num_tr"):
        v = as_int(body[f]) if f in present else 0
        if v is None or not 0 <= v <= 999:
            out.append((f, "must be a whole number of at most 3 digits"))
    if "sex" in present and str(body["sex"]) not in ("M", "F"):
        out.append(("sex", "must be M, F or blank"))
    return out
