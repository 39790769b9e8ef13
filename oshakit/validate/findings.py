"""Turn GX validation results and loader rejects into one findings table.

One row per failing value, located by file and line of the input CSV (the frames'
``_line``; header = line 1). Columns match the kit's other tables (rejects,
exceptions) so an auditor can stack them.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from oshakit.problems import CORE
from oshakit.schema import LINE

#: The core columns every problem table starts with, then the finding's own.
COLUMNS = [*CORE, "value", "expectation", "year"]

#: How a row of each kind is named in a message ({ref}).
_LABELS = {
    "conditions": ("Condition", "patient_conditions.ext_id"),
    "restrictions": ("Restriction", "patient_clinical_restriction.ext_id"),
    "accommodations": ("Accommodation", "accommodations.ext_id"),
    "nibp": ("Body part/nature row", "incident_nibp.ext_id"),
    "employees": ("Employee", "employees.pat_id"),
    "establishments": ("Establishment", "establishments.establishment_code"),
}


def empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="Int64" if c in ("line", "year") else "str")
                         for c in COLUMNS})


def text(value: Any) -> str | None:
    """A cell as an auditor reads it: dates without a midnight time, whole numbers plain."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d" if value == value.normalize() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class CaseIndex:
    """Case number and year of each encounter, to name findings by case (built on first use)."""

    def __init__(self, encounters: pd.DataFrame | None) -> None:
        self._encounters, self._by_encounter = encounters, None

    @property
    def by_encounter(self) -> pd.DataFrame:
        if self._by_encounter is None:
            self._by_encounter = self._build(self._encounters)
        return self._by_encounter

    @staticmethod
    def _build(e: pd.DataFrame | None) -> pd.DataFrame:
        if e is None or "encounters.ext_id" not in e.columns:
            return pd.DataFrame(columns=["case_number", "year"])
        inc = e.get("incidents.inc_datetime")
        opens = inc.notna() if inc is not None else pd.Series(False, index=e.index)
        number = e.get("incidents.case_number", pd.Series(pd.NA, index=e.index, dtype="str"))
        case = number.where(number.notna(), e["encounters.ext_id"].where(opens))
        years = pd.Series(inc.dt.year.to_numpy() if inc is not None else pd.NA, index=e.index)
        year_of_case = (pd.DataFrame({"case": case, "year": years})[opens].dropna()
                        .drop_duplicates("case").set_index("case")["year"])
        table = pd.DataFrame({
            "case_number": case.to_numpy(),
            "year": case.map(year_of_case).astype("Int64").to_numpy(),
        }, index=e["encounters.ext_id"].to_numpy())
        return table[~table.index.duplicated()]

    def lookup(self, encounter_ids: pd.Series) -> pd.DataFrame:
        return self.by_encounter.reindex(encounter_ids.to_numpy())


def _refs(kind: str, rows: pd.DataFrame, cases: pd.DataFrame) -> list[str]:
    """``{ref}`` of each row: "Case 2025-017", "Encounter E1", "Restriction R1 (case 2025-017)"."""
    out = []
    if kind == "encounters":
        encounters = rows.get("encounters.ext_id", [None] * len(rows))
        for case, enc in zip(cases["case_number"], encounters, strict=True):
            out.append(f"Case {case}" if isinstance(case, str) else f"Encounter {text(enc)}")
        return out
    if kind == "employment":
        return [f"Employment {text(c)} {text(y)}" for c, y in zip(
            rows.get("employment.establishment_code", [None] * len(rows)),
            rows.get("employment.year", [None] * len(rows)), strict=True)]
    label, key = _LABELS[kind]
    keys = rows.get(key, [None] * len(rows))
    for k, case in zip(keys, cases["case_number"], strict=True):
        ref = f"{label} {text(k)}"
        out.append(f"{ref} (case {case})" if isinstance(case, str) else ref)
    return out


class _Fields(dict):
    def __missing__(self, key: str) -> str:
        return "?"


def from_result(kind: str, file: str, frame: Any, result: Any,
                cases: CaseIndex) -> pd.DataFrame:
    """Findings of one failed (or errored) expectation result.

    ``frame`` is a callable returning the validated frame indexed by ``_line``
    (built only when some expectation failed).
    """
    config = result.expectation_config
    meta, kwargs = config.meta, config.kwargs
    expectation, severity = meta["id"], meta["severity"]
    code = expectation.rsplit("/", 1)[-1]
    column = meta.get("column") or kwargs.get("column") or kwargs.get("column_A") or ", ".join(
        kwargs.get("column_list", []))
    errors = exception_messages(result)
    if errors:
        return pd.DataFrame([{
            "file": file, "line": pd.NA, "column": column, "value": None,
            "expectation": expectation, "severity": "error", "code": "check_failed_to_run",
            "message": f"Check {expectation} could not run: {'; '.join(errors)}",
        }], columns=COLUMNS)
    index = result.result.get("unexpected_index_list")
    if not index:  # a table-level expectation (a required column missing)
        return pd.DataFrame([{
            "file": file, "line": 1, "column": column, "value": None,
            "expectation": expectation, "severity": severity, "code": code,
            "message": meta["message"].format_map(_Fields(ref=file, value="", column=column)),
        }], columns=COLUMNS)
    lines = [row[LINE] for row in index]
    rows = frame().reindex(lines)
    if "column_list" in kwargs:
        values = rows[kwargs["column_list"]].astype("str").agg(" + ".join, axis=1)
    else:
        values = rows.get(meta.get("value") or column, pd.Series(None, index=rows.index))
    enc_ids = rows.get("encounters.ext_id", pd.Series(pd.NA, index=rows.index, dtype="str"))
    case_info = cases.lookup(enc_ids)
    values = [text(v) for v in values]
    refs = _refs(kind, rows, case_info)
    fields = {name: [text(v) for v in rows.get(col, [None] * len(rows))]
              for name, col in (meta.get("fields") or {}).items()}
    template = meta["message"]
    numbers = case_info["case_number"].tolist()
    messages = []
    for i, (ref, value) in enumerate(zip(refs, values, strict=True)):
        f = _Fields(ref=ref, value=value if value is not None else "(blank)", column=column,
                    line=lines[i], case_number=numbers[i] if isinstance(numbers[i], str) else "?")
        f.update({k: (v[i] if v[i] is not None else "(blank)") for k, v in fields.items()})
        messages.append(template.format_map(f))
    return pd.DataFrame({
        "file": file, "line": pd.array(lines, dtype="Int64"), "column": column, "value": values,
        "expectation": expectation, "severity": severity, "message": messages,
        "case_number": case_info["case_number"].to_numpy(), "code": code,
        "year": pd.array(case_info["year"].to_numpy(), dtype="Int64"),
    }, columns=COLUMNS)


def exception_messages(result: Any) -> list[str]:
    """Messages of the exceptions an expectation raised (GX nests them per metric)."""
    info = result.exception_info or {}
    found = [info] if "raised_exception" in info else list(info.values())
    return [str(i.get("exception_message")) for i in found
            if isinstance(i, dict) and i.get("raised_exception")]


def from_rejects(rejects: pd.DataFrame) -> pd.DataFrame:
    """Loader rejects as findings: expectation ``loader.<code>``, the reject's severity
    (``error`` for a row or cell that could not be read, ``warning``/``info`` for what the
    loader recovered or noted)."""
    if rejects is None or not len(rejects):
        return empty()
    severity = (rejects["severity"].astype("str") if "severity" in rejects
                else pd.Series("error", index=rejects.index, dtype="str"))
    case = (rejects["case_number"].astype("str") if "case_number" in rejects
            else pd.Series(pd.NA, index=rejects.index, dtype="str"))
    return pd.DataFrame({
        "file": rejects["file"].astype("str"),
        "line": pd.array(rejects["line"], dtype="Int64"),
        "column": rejects["column"].astype("str"),
        "value": rejects["value"].astype("str"),
        "expectation": "loader." + rejects["code"].astype("str"),
        "severity": severity,
        "message": rejects["message"].astype("str"),
        "case_number": case,
        "code": rejects["code"].astype("str"),
        "year": pd.array([pd.NA] * len(rejects), dtype="Int64"),
    }, columns=COLUMNS)


def missing_file(kind: str, filename: str, what: str) -> pd.DataFrame:
    """A warning that a kit file is absent, so the checks needing it did not run."""
    return pd.DataFrame([{
        "file": filename, "line": pd.NA, "column": None, "value": None,
        "expectation": f"bundle/{kind}/present", "severity": "warning", "code": "file_missing",
        "message": f"{filename} is not in the bundle: not checked: {what}",
    }], columns=COLUMNS)
