"""Pre-send gates: nothing leaves for ITA unless every gate passes for its establishment.

1. The ITA checks of the summary (``oshakit.ita.rules.ita_checks``): no failed error check.
2. No exception of error severity for the establishment-year (``rec.exceptions``).
3. A PII scan of the text fields and narratives that would be sent: employee names (from the
   employee file), SSNs, phone numbers, e-mail addresses; reported with where they were found.
4. The exact payloads within ITA's fields, lengths, codes and cross-field rules: the same
   rules (:mod:`rules`) as the check table, so a rule the table already failed is not
   repeated; each case dated in the year filed for; a change reason of at most 100
   characters.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.errors import GateRefused
from oshakit.ita.payloads import EstablishmentPlan
from oshakit.ita.rules import (
    case_errors,
    change_reason_errors,
    establishment_errors,
    form300a_errors,
    incident_year,
)

SCANNED_FIELDS = ("job_title", "incident_location", "incident_description",
                  "nar_before_incident", "nar_what_happened", "nar_injury_illness",
                  "nar_object_substance")
PII_COLUMNS = ["establishment_name", "case_number", "field", "kind", "found"]
PATTERNS = {
    "ssn": re.compile(r"(?<!\d)\d{3}[- ]\d{2}[- ]\d{4}(?!\d)|(?<!\d)\d{9}(?!\d)"),
    "phone": re.compile(r"(?<![\d-])(?:\+?1[-.\s]?)?(?:\(\d{3}\)\s?|\d{3}[-.\s])\d{3}[-.\s]\d{4}"
                        r"(?![\d-])|(?<!\d)\d{10}(?!\d)"),
    "email": re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"),
}


@dataclass
class GateReport:
    """Refusals and warnings per establishment name, and the PII findings."""

    refusals: dict[str, list[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    pii: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=PII_COLUMNS))

    @property
    def ok(self) -> bool:
        return not any(self.refusals.values())

    def refuse(self, name: str, reason: str) -> None:
        self.refusals.setdefault(name, []).append(reason)

    def warn(self, name: str, reason: str) -> None:
        self.warnings.setdefault(name, []).append(reason)

    def table(self) -> pd.DataFrame:
        """One row per establishment and reason: ``verdict`` is refused, warning or pass."""
        rows = []
        for name in dict.fromkeys([*self.refusals, *self.warnings]):
            refused, warned = self.refusals.get(name, []), self.warnings.get(name, [])
            rows += [{"establishment_name": name, "verdict": "refused", "reason": r}
                     for r in refused]
            rows += [{"establishment_name": name, "verdict": "warning", "reason": r}
                     for r in warned]
            if not refused:
                rows.append({"establishment_name": name, "verdict": "pass",
                             "reason": "every gate passed"})
        return pd.DataFrame(rows, columns=["establishment_name", "verdict", "reason"])

    def raise_if_refused(self) -> None:
        if not self.ok:
            raise GateRefused(f"{name}: {r}" for name, rs in self.refusals.items() for r in rs)

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """``gates.json`` (refusals, warnings) and ``pii_report.csv`` in ``out_dir``."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"gates": out / "gates.json", "pii": out / "pii_report.csv"}
        paths["gates"].write_text(json.dumps(
            {"ok": self.ok, "refusals": self.refusals, "warnings": self.warnings},
            indent=2, sort_keys=True) + "\n", encoding="utf-8")
        self.pii.to_csv(paths["pii"], index=False)
        return paths


def _col(frame: pd.DataFrame, name: str) -> pd.Series | None:
    for c in (f"employees.{name}", name):
        if c in frame.columns:
            return frame[c]
    return None


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _words(text: str) -> list[tuple[str, int, int]]:
    """Words with their spans; a possessive 's is not part of the word."""
    out = []
    for m in _WORD.finditer(text):
        w = m.group(0)
        if len(w) > 2 and w[-2:] in ("'s", "’s"):
            w = w[:-2]
        out.append((w, m.start(), m.start() + len(w)))
    return out


@dataclass
class EmployeeNames:
    """Employee names to look for: full names (either order, any case) and single first or
    last names of three or more letters (written capitalised, as names are in prose)."""

    pairs: set[tuple[str, str]] = field(default_factory=set)
    singles: set[str] = field(default_factory=set)

    @classmethod
    def from_frame(cls, employees: pd.DataFrame | None) -> EmployeeNames:
        names = cls()
        if employees is None or not len(employees):
            return names
        first, last = _col(employees, "first_name"), _col(employees, "last_name")
        if first is None or last is None:
            return names
        for a, b in zip(first.astype("str"), last.astype("str"), strict=True):
            fw = [w for w, *_ in _words(a)] if a and a != "nan" else []
            lw = [w for w, *_ in _words(b)] if b and b != "nan" else []
            if fw and lw:
                names.pairs |= {(fw[-1].casefold(), lw[0].casefold()),
                                (lw[-1].casefold(), fw[0].casefold())}
            names.singles |= {w.casefold() for w in fw + lw if len(w) >= 3}
        return names

    def find(self, text: str) -> list[str]:
        """The names in ``text``: full names first, then single names not part of one."""
        words, hits, used = _words(text), [], set()
        for i in range(len(words) - 1):
            (a, sa, _), (b, _, eb) = words[i], words[i + 1]
            gap = text[words[i][2]:words[i + 1][1]]
            if gap.strip() in ("", ",") and (a.casefold(), b.casefold()) in self.pairs:
                hits.append(text[sa:eb])
                used |= {i, i + 1}
        for i, (w, _, _) in enumerate(words):
            if i not in used and w[:1].isupper() and w.casefold() in self.singles:
                hits.append(w)
        return hits


def pii_scan(cases: list[dict[str, Any]], employees: pd.DataFrame | None) -> pd.DataFrame:
    """Every PII hit in the text fields of ``cases`` (case-data bodies): one row per hit."""
    names = EmployeeNames.from_frame(employees)
    rows = []
    for case in cases:
        name = (case.get("establishment") or {}).get("establishment_name")
        for fld in SCANNED_FIELDS:
            text = case.get(fld)
            if not isinstance(text, str) or not text:
                continue
            hits: list[tuple[str, str]] = []
            for kind, rx in PATTERNS.items():
                hits += [(kind, m.group(0)) for m in rx.finditer(text)]
            hits += [("employee name", n) for n in names.find(text)]
            rows += [{"establishment_name": name, "case_number": case.get("case_number"),
                      "field": fld, "kind": k, "found": v} for k, v in hits]
    return pd.DataFrame(rows, columns=PII_COLUMNS)


def _column(path: str) -> str:
    """The 300A CSV column of an establishment body path (``address.zip`` -> ``zip``)."""
    from oshakit.ita.rules import ESTABLISHMENT_PATHS

    return next((c for c, p in ESTABLISHMENT_PATHS.items() if ".".join(p) == path), path)


def _select(frame: pd.DataFrame | None, code: str | None, year: int) -> pd.DataFrame:
    if frame is None or code is None or not len(frame):
        return pd.DataFrame()
    mask = (frame["establishment_code"].astype("str") == str(code)) & \
        (pd.to_numeric(frame["year"], errors="coerce") == year)
    return frame[mask]


def run_gates(
    plans: list[EstablishmentPlan],
    *,
    checks: pd.DataFrame | None = None,
    exceptions: pd.DataFrame | None = None,
    employees: pd.DataFrame | None = None,
    change_reason: str | None = None,
) -> GateReport:
    """Apply every gate to every plan; the report says what each refuses and why."""
    report = GateReport()
    reason_errors = change_reason_errors(change_reason)
    seen: dict[str, int] = {}
    for p in plans:
        seen[p.name.casefold()] = seen.get(p.name.casefold(), 0) + 1
    for p in plans:
        report.refusals.setdefault(p.name, [])
        if seen[p.name.casefold()] > 1:
            report.refuse(p.name, "establishment name is not unique among the establishments")
        if p.code is None and (checks is not None or exceptions is not None):
            report.warn(p.name, "no establishment code known: ITA checks and exceptions "
                        "could not be matched")
        for f, m in reason_errors:
            report.refuse(p.name, f"{f}: {m}")
        c = _select(checks, p.code, p.year)
        reported: set[str] = set()  # ITA fields whose rule the check table already failed
        if len(c):
            failed = c[~c["passed"].astype("boolean").fillna(False)]
            for r in failed.to_dict("records"):
                msg = f"ITA check {r.get('code')}: {r.get('message')}"
                (report.refuse if r.get("severity") == "error" else report.warn)(p.name, msg)
                reported.add(str(r.get("column")))
        e = _select(exceptions, p.code, p.year)
        if len(e):
            for r in e[e["severity"].astype("str") == "error"].to_dict("records"):
                case = f" case {r['case_number']}" if pd.notna(r.get("case_number")) else ""
                report.refuse(p.name, f"exception {r.get('code')}{case}: {r.get('message')}")
        for f, m in establishment_errors(p.establishment):
            if _column(f) not in reported:
                report.refuse(p.name, f"establishment {f}: {m}")
        for f, m in form300a_errors({k: v for k, v in p.form300a.items()
                                     if k != "establishment"}):
            if f not in reported:
                report.refuse(p.name, f"Form 300A {f}: {m}")
        if p.send_cases:
            numbers = [c.get("case_number") for c in p.cases]
            for n in {n for n in numbers if numbers.count(n) > 1}:
                report.refuse(p.name, f"case {n}: case number used more than once")
            for case in p.cases:
                for f, m in case_errors(case):
                    report.refuse(p.name, f"case {case.get('case_number')} {f}: {m}")
                year = incident_year(case.get("date_of_incident"))
                if year is not None and year != p.year:
                    report.refuse(p.name, f"case {case.get('case_number')}: date_of_incident "
                                  f"{case['date_of_incident']} is not in {p.year}, the year "
                                  "filed for (a case belongs on the log of its injury's year)")
    sent = [c for p in plans if p.send_cases for c in p.cases]
    report.pii = pii_scan(sent, employees)
    for r in report.pii.to_dict("records"):
        report.refuse(r["establishment_name"], f"case {r['case_number']} {r['field']}: "
                      f"{r['kind']} {r['found']!r} (PII must not be sent)")
    return report
