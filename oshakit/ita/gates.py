"""Pre-send gates: nothing leaves for ITA unless every gate passes for its establishment.

1. The ITA checks of the summary (``oshakit.ita.rules.ita_checks``): no failed error check.
2. No exception of error severity for the establishment-year (``rec.exceptions``).
3. A PII scan of the text fields and narratives that would be sent (:mod:`oshakit.ita.pii`):
   employee names, the employee's address and date of birth, the bundle's physicians and
   treatment facilities, SSNs, phone numbers, e-mail addresses; reported with where they
   were found, what matched and why.
4. The exact payloads within ITA's fields, lengths, codes and cross-field rules: the same
   rules (:mod:`rules`) as the check table, so a rule the table already failed is not
   repeated; each case dated in the year filed for; a change reason of at most 100
   characters.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from oshakit.errors import GateRefused
from oshakit.ita.payloads import EstablishmentPlan
from oshakit.ita.pii import PII_COLUMNS, SCANNED_FIELDS, pii_scan, refusal  # noqa: F401
from oshakit.ita.rules import (
    case_errors,
    change_reason_errors,
    establishment_errors,
    form300a_errors,
    incident_year,
)


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
        """``gates.json`` (refusals, warnings) and ``pii_report.csv`` in
        ``out_dir/confidential/``: they quote the PII they found, for the recordkeeper."""
        from oshakit.outputs import confidential_dir, write_csv

        out = confidential_dir(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"gates": out / "gates.json", "pii": out / "pii_report.csv"}
        paths["gates"].write_text(json.dumps(
            {"ok": self.ok, "refusals": self.refusals, "warnings": self.warnings},
            indent=2, sort_keys=True) + "\n", encoding="utf-8")
        write_csv(self.pii, paths["pii"])
        return paths


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
    case_pii: pd.DataFrame | None = None,
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
    report.pii = pii_scan(sent, employees, case_pii)
    for r in report.pii.to_dict("records"):
        report.refuse(r["establishment_name"], refusal(r))
    return report
