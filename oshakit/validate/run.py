"""Validate a bundle: derive cross-file columns, run one GX suite per file, collect findings."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from oshakit.schema import KINDS, LINE
from oshakit.validate import crossfile, findings
from oshakit.validate.suites import build_suite, read_suite

RESULT_FORMAT = {"result_format": "COMPLETE", "unexpected_index_column_names": [LINE]}
SUMMARY_COLUMNS = ["file", "kind", "rows", "expectations", "run", "skipped", "passed", "failed",
                   "errored", "errors", "warnings", "score"]


@dataclass
class Validation:
    """What :func:`validate` found: tables for people, GX results for Data Docs."""

    bundle_path: Path | None
    findings: pd.DataFrame
    summary: pd.DataFrame
    profile: pd.DataFrame | None = None
    results: dict[str, Any] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    docs_index: Path | None = None
    context: Any = field(default=None, repr=False)

    @property
    def errors(self) -> int:
        return int((self.findings["severity"] == "error").sum())

    @property
    def warnings(self) -> int:
        return int((self.findings["severity"] == "warning").sum())

    @property
    def ok(self) -> bool:
        """True when no error-severity finding exists (warnings allowed)."""
        return self.errors == 0

    def for_year(self, year: int | None) -> pd.DataFrame:
        """Findings of cases injured in ``year``, plus those tied to no case year."""
        if year is None:
            return self.findings
        return self.findings[self.findings["year"].isna() | (self.findings["year"] == year)]

    def worst_columns(self, n: int = 10) -> pd.DataFrame:
        """Columns with the most findings: file, column, errors, warnings."""
        f = self.findings
        table = (pd.crosstab([f["file"], f["column"].fillna("")], f["severity"])
                 .reindex(columns=["error", "warning"], fill_value=0)
                 .rename(columns={"error": "errors", "warning": "warnings"}))
        return table.sort_values(["errors", "warnings"], ascending=False).head(n).reset_index()

    def summary_dict(self) -> dict[str, Any]:
        files = {row.pop("file"): row for row in json.loads(self.summary.to_json(orient="records"))}
        return {
            # by its folder's name: a path would be this machine's, or climb out of --out
            "bundle": Path(self.bundle_path).resolve().name if self.bundle_path else None,
            "ok": self.ok,
            "errors": self.errors,
            "warnings": self.warnings,
            "files": files,
        }

    def write(self, out_dir: str | Path, *, docs: bool = True) -> dict[str, Path]:
        """Write findings.csv, summary.json, profile.csv and Data Docs into ``out_dir``.

        The findings and the profile quote input values; those of employee names,
        addresses, dates of birth, providers and free text (``outputs.PII_COLUMNS``) are
        withheld from the shareable copies and written in full under ``confidential/``
        (:func:`oshakit.outputs.confidential_dir`). Every CSV goes through
        ``outputs.write_csv`` (formulas neutralised); summary.json names the bundle by its
        folder's name (no path of this machine, none climbing out of ``out_dir``)."""
        from oshakit.outputs import confidential_dir, withhold, write_csv

        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        secret = confidential_dir(out)
        paths = {"findings": out / "findings.csv", "summary": out / "summary.json"}
        write_csv(withhold(self.findings, values=("value", "message")), paths["findings"])
        paths["findings_confidential"] = write_csv(self.findings, secret / "findings.csv")
        summary = self.summary_dict()
        paths["summary"].write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
        if self.profile is not None:
            paths["profile"] = write_csv(
                withhold(self.profile, values=("min", "max", "top_values")), out / "profile.csv")
            paths["profile_confidential"] = write_csv(self.profile, secret / "profile.csv")
        if docs and self.context is not None:
            from oshakit.validate.docs import build_docs

            self.docs_index = paths["data_docs"] = build_docs(
                self.context, self.results, out / "data_docs")
        return paths


def validate(bundle: Any = None, out_dir: str | Path | None = None, *, docs: bool = True,
             profile: bool = True, batches: str = "columns") -> Validation:
    """Validate a bundle (a :class:`~oshakit.bundle.Bundle`, a folder, or None = the sample).

    With ``out_dir`` the outputs are written there too (see :meth:`Validation.write`).
    """
    from oshakit.bundle import Bundle, load_bundle

    t0 = time.perf_counter()
    if not isinstance(bundle, Bundle):
        bundle = load_bundle(bundle)
    names = {kind: bundle.file_name(kind) for kind in bundle.frames}
    v = validate_frames(bundle.frames, rejects=bundle.rejects, file_names=names,
                        profile=profile, batches=batches)
    v.bundle_path = bundle.path
    v.timings["total"] = time.perf_counter() - t0
    if out_dir is not None:
        v.write(out_dir, docs=docs)
    return v


def validate_frames(frames: dict[str, pd.DataFrame], *, rejects: pd.DataFrame | None = None,
                    file_names: dict[str, str] | None = None, profile: bool = True,
                    suite_dir: Path | None = None, batches: str = "columns") -> Validation:
    """Validate typed frames (kind -> DataFrame with ``_line``) and loader rejects.

    ``batches="columns"`` (default) validates each group of expectations that reads the
    same columns on a frame of just those columns; ``"file"`` validates the whole suite
    on one frame (GX copies every column of the batch in each expectation: on wide files
    of a million rows that is several times slower).
    """
    from oshakit.validate.context import new_context, no_fingerprint

    timings: dict[str, float] = {}
    t = time.perf_counter()
    ctx = new_context()
    source = ctx.data_sources.add_pandas("bundle")
    timings["gx_setup"] = time.perf_counter() - t

    t = time.perf_counter()
    derived = crossfile.derive(frames)
    cases = findings.CaseIndex(frames.get("encounters"))
    timings["derive"] = time.perf_counter() - t

    names = {k: (file_names or {}).get(k) or KINDS[k].filename for k in frames}
    parts = [findings.from_rejects(rejects)]
    rows, results = [], {}
    timings["gx_validate"] = timings["findings"] = 0.0
    for kind in KINDS:
        if kind not in derived:
            continue
        frame, doc = derived[kind], read_suite(kind, suite_dir)
        runnable = [e for e in doc["expectations"] if _needed(e) <= set(frame.columns)]
        t = time.perf_counter()
        ctx.suites.add(build_suite(doc, runnable))  # the suite as run, for the Data Docs
        with no_fingerprint():
            result = _run_suite(source, kind, doc, runnable, frame, batches)
        timings["gx_validate"] += time.perf_counter() - t
        results[kind] = result

        t = time.perf_counter()
        by_line = _Lazy(frame)
        parts.extend(findings.from_result(kind, names[kind], by_line, r, cases)
                     for r in result.results if not r.success)
        timings["findings"] += time.perf_counter() - t
        errored = sum(bool(findings.exception_messages(r)) for r in result.results)
        failed = sum(not r.success for r in result.results) - errored
        rows.append({"file": names[kind], "kind": kind, "rows": len(frame),
                     "expectations": len(doc["expectations"]), "run": len(runnable),
                     "skipped": len(doc["expectations"]) - len(runnable),
                     "passed": len(runnable) - failed - errored, "failed": failed,
                     "errored": errored})
    for kind, what in crossfile.absent_parents(frames).items():
        parts.append(findings.missing_file(kind, KINDS[kind].filename, what))

    table = pd.concat([p for p in parts if len(p)] or [findings.empty()], ignore_index=True)
    table = _drop_echoes(table)
    order = {name: i for i, name in enumerate(names[k] for k in KINDS if k in names)}
    table = (table.assign(_o=table["file"].map(order).fillna(len(order)))
             .sort_values(["_o", "line", "expectation"], kind="stable", na_position="first")
             .drop(columns="_o").reset_index(drop=True))
    summary = _summary(rows, table)
    prof = None
    if profile:
        from oshakit.validate.profile import profile_frames

        t = time.perf_counter()
        prof = profile_frames(frames, names)
        timings["profile"] = time.perf_counter() - t
    return Validation(None, table, summary, prof, results, timings, context=ctx)


def _drop_echoes(table: pd.DataFrame) -> pd.DataFrame:
    """Drop validation findings on a cell the loader rejected (it is NA in the frame, so
    "required value is empty" would only echo the loader's better message)."""
    loader = table["expectation"].str.startswith("loader.")
    if not loader.any():
        return table
    cell = table["file"] + "\x1f" + table["line"].astype("str") + "\x1f" + table["column"]
    return table[loader | ~cell.isin(pd.Index(cell[loader].dropna()))]


def _run_suite(source: Any, kind: str, doc: dict[str, Any], runnable: list[dict[str, Any]],
               frame: pd.DataFrame, batches: str) -> Any:
    """Validate ``runnable`` on ``frame``; one suite validation result for the file."""
    from great_expectations.validator.validator import calc_validation_statistics

    groups: dict[frozenset[str], list[dict[str, Any]]] = {}
    for e in runnable:
        groups.setdefault(frozenset(_needed(e)) if batches == "columns" else frozenset(), []
                          ).append(e)
    definition = source.add_dataframe_asset(kind).add_batch_definition_whole_dataframe(kind)
    merged = None
    for cols, exps in (groups or {frozenset(): []}).items():
        if batches != "columns":
            exist = {e["kwargs"]["column"] for e in exps if e["type"] == "expect_column_to_exist"}
            reads = set().union(*map(_needed, exps)) | (exist & set(frame.columns)) | {LINE}
            data = frame[sorted(reads)]
        elif cols:
            data = frame[[LINE, *sorted(cols)]]
        else:  # column-existence checks: every column, no rows needed
            data = frame.iloc[:0]
        batch = definition.get_batch(batch_parameters={"dataframe": data})
        result = batch.validate(build_suite(doc, exps), result_format=RESULT_FORMAT)
        if merged is None:
            merged = result
        else:
            merged.results.extend(result.results)
    stats = calc_validation_statistics(merged.results)
    merged.success = stats.success
    merged.statistics = {
        "evaluated_expectations": stats.evaluated_expectations,
        "successful_expectations": stats.successful_expectations,
        "unsuccessful_expectations": stats.unsuccessful_expectations,
        "success_percent": stats.success_percent,
    }
    return merged


class _Lazy:
    """The validated frame indexed by line, built on first use (only when something failed)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self._frame, self._indexed = frame, None

    def __call__(self) -> pd.DataFrame:
        if self._indexed is None:
            self._indexed = self._frame.set_index(LINE, drop=False)
        return self._indexed


def _needed(expectation: dict[str, Any]) -> set[str]:
    """Columns an expectation reads; it is skipped when the file lacks one of them."""
    if expectation["type"] == "expect_column_to_exist":
        return set()
    kw = expectation["kwargs"]
    cols = {kw[k] for k in ("column", "column_A", "column_B") if k in kw}
    cols.update(kw.get("column_list", []))
    cols.update(_condition_columns(kw.get("row_condition")))
    return cols


def _condition_columns(condition: Any) -> set[str]:
    """Column names in a row condition (GX Condition objects as JSON)."""
    if isinstance(condition, dict):
        column = condition.get("column")
        found = {column["name"]} if isinstance(column, dict) else set()
        for c in condition.get("conditions", []):
            found |= _condition_columns(c)
        return found
    return set()


def _summary(rows: list[dict[str, Any]], table: pd.DataFrame) -> pd.DataFrame:
    summary = pd.DataFrame(rows, columns=SUMMARY_COLUMNS[:-3])
    counts = pd.crosstab(table["file"], table["severity"]).reindex(
        columns=["error", "warning"], fill_value=0)
    summary["errors"] = summary["file"].map(counts["error"]).fillna(0).astype(int)
    summary["warnings"] = summary["file"].map(counts["warning"]).fillna(0).astype(int)
    run = summary["run"].where(summary["run"] > 0)
    summary["score"] = (100 * summary["passed"] / run).round(1)
    return summary[SUMMARY_COLUMNS]
