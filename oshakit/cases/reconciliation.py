"""``reconcile``: a loaded bundle -> the cases of the OSHA log, explained and accounted for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from oshakit.cases import (
    accounting,
    classify,
    columns,
    days,
    ehcompat,
    explain,
    privacy,
    severe,
    spans,
    termination,
)
from oshakit.cases import exceptions as X
from oshakit.cases import names as N
from oshakit.cases.build import Built, build
from oshakit.cases.policy import Policy
from oshakit.cases.text import column, iso, num, obj, shown
from oshakit.errors import OshakitError, PolicyError

if TYPE_CHECKING:
    from oshakit.bundle import Bundle

#: Columns of ``Reconciliation.cases``, in order (the contract with forms, ITA, summary).
CASE_COLUMNS = [
    "case_key", "case_number", "establishment_code", "year", "on_log", "log_reason",
    "employee_pat_id", "employee_pat_id_type", "employee_name", "privacy", "log_name",
    "privacy_reason", "job_title", "date_of_injury", "time_of_event", "time_unknown",
    "location", "description",
    "outcome", "days_away", "days_restricted", "days_estimated", "itype", "body_parts",
    "natures", "employee_street", "employee_city", "employee_state", "employee_zip",
    "date_of_birth", "date_of_hire", "sex", "physician", "facility_name", "facility_street",
    "facility_city", "facility_state", "facility_zip", "emergency_room", "hospitalized",
    "time_started_work", "nar_before_incident", "nar_what_happened", "nar_injury_illness",
    "nar_object_substance", "date_of_death", "explanation",
]
LOG_ORDER = ["establishment_code", "date_of_injury", "case_number"]


@dataclass(frozen=True)
class Reconciliation:
    """The result of :func:`reconcile`.

    ``cases``: one row per case (:data:`CASE_COLUMNS`); ``log``: the cases on the log, by
    establishment, date of injury and case number; ``exceptions``; ``accounting``;
    ``eh_diff``: cases whose K, L or outcome differ under ``eh_compat``; the ``policy``
    and ``year`` they were computed with.
    """

    cases: pd.DataFrame
    log: pd.DataFrame
    exceptions: pd.DataFrame
    accounting: pd.DataFrame
    eh_diff: pd.DataFrame
    policy: Policy
    year: int | None = None

    def explain(self, case: str | None = None) -> str:
        """How every value of a case was derived, by case number or case key; with no
        ``case``, the first case on the log."""
        if case is None:
            if self.log.empty:
                return "No case on the log."
            case = str(self.log["case_key"].iloc[0])
        hit = self.cases[(self.cases["case_number"] == case) | (self.cases["case_key"] == case)]
        if hit.empty:
            raise OshakitError(f"no case {case!r} in this result (give a case number or key)")
        return str(hit["explanation"].iloc[0])


def reconcile(bundle: Bundle, policy: Policy | None = None,
              year: int | None = None) -> Reconciliation:
    """Build, classify, count and explain every case of ``bundle`` under ``policy``
    (default: ``Policy()``, the regulation's reading on today's date).

    ``year``: keep only the cases (and exceptions) of that log year; None = every year.
    """
    policy = policy or Policy()
    if year is not None and not isinstance(year, int | np.integer):
        raise PolicyError(f"year must be an integer such as 2024, not {year!r}")
    built = build(bundle, policy.as_of)
    cases = built.cases
    efile = built.files["encounters"]
    live = _live(built.children)  # child rows known at the as-of date
    span_rows = spans.collect(built.children, built.files, built.parts)

    death, death_late = classify.died(cases, policy.as_of)
    after = classify.injured_after(cases, policy.as_of)
    left = termination.terminations(cases, policy)
    legacy = (_legacy(cases, N.LEGACY_AWAY), _legacy(cases, N.LEGACY_RESTRICTED))
    counted = {eh: _count(cases, span_rows, policy.with_eh_compat(eh), death, legacy, left)
               for eh in (False, True)}  # the chosen reading, and the other for eh_diff
    span_out, d = counted[policy.eh_compat]
    crit = classify.criteria(cases)
    on_log, log_reason = classify.log_status(cases, crit, after, policy.as_of)
    outcomes = {eh: classify.outcome(on_log, death, c[1]) for eh, c in counted.items()}

    itype = classify.itype(cases)
    marks = privacy.marks(cases, built.encounters, built.enc_case,
                          getattr(bundle, "rejects", None), efile)
    # a flag only hides a name; the kit applies privacy itself only to a kind the data shows
    suspect, shown, reasons = privacy.suspected(cases, built.children)
    marked = marks.flagged | marks.unreadable | (marks.reason != "")
    private = marked | (policy.privacy_auto & shown)
    stated = np.isin(marks.reason, privacy.MANDATORY)
    no_basis = marked & itype.eq("M1").fillna(False).to_numpy(bool) & ~shown & ~stated
    why_private = privacy.why_private(marks, private & ~marked, reasons)
    number, generated = columns.case_numbers(cases)
    cases["case_number"] = number

    out = _table(cases, built, live, number, on_log, log_reason, private, why_private,
                 outcomes[policy.eh_compat], d, itype, death_late)
    parts = built.parts + classify.contradictions(
        cases, crit, on_log, death, d["away_total"].to_numpy(), out["itype"], efile)
    parts += _privacy_parts(cases, built, suspect & ~marked, private, reasons)
    parts += _privacy_basis_parts(cases, efile, no_basis, marks)
    parts += _legacy_parts(cases, built, d, *legacy)
    parts += termination.parts(cases, left, span_out, on_log, efile)
    parts += _rule_parts(built, span_out, d, policy)
    parts += severe.events(cases, crit, live, death, after, built.files)
    ex = X.finish(parts, out)
    eh_diff = ehcompat.diff(out, counted[False][1], counted[True][1], outcomes[False],
                            outcomes[True], policy.cap)
    acct = accounting.account(built, out, year, getattr(bundle, "accounting", None))

    facts = out.assign(
        _encounters=cases["_encounters"], _late_encounters=cases["_late_encounters"],
        _opening_line=cases["_opening_line"], _est_source=cases["_est_source"],
        _generated=generated, _died=death, _death_late=death_late,
        _death_date=column(cases, N.DEATH_DATE, "datetime64[ns]"), _marked=marked,
        _suspected=suspect, _reasons=reasons, _no_basis=no_basis, _why_private=why_private,
        _first=cases[N.EMP_FIRST], _last=cases[N.EMP_LAST], _term_status=left.status,
        _term_date=left.date, _term_reason=left.reason,
    )
    if year is not None:
        ex = ex[ex["year"].isna() | (ex["year"] == year)].reset_index(drop=True)
        eh_diff = eh_diff[eh_diff["year"] == year].reset_index(drop=True)
        facts, d, span_out = _select(cases["year"].to_numpy() == year, facts, d, span_out)
    # The explanations: the one per-case Python loop, so only for the cases returned.
    facts["explanation"] = pd.Series(explain.explain(
        facts, d, span_out, policy, encounters_file=efile,
    ), index=facts.index, dtype="str")
    out = facts[CASE_COLUMNS].sort_values(LOG_ORDER, kind="stable", na_position="last")
    out = out.reset_index(drop=True)
    log = out[out["on_log"]].reset_index(drop=True)
    return Reconciliation(out, log, ex, acct, eh_diff, policy, year)


def _live(children: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The child rows not recorded at a follow-up served after the as-of date."""
    return {kind: frame[~frame["_late"].to_numpy(bool)] if "_late" in frame else frame
            for kind, frame in children.items()}


def _legacy(cases: pd.DataFrame, col: str) -> np.ndarray:
    """A legacy day total per case; -1 when blank or -1 ("compute")."""
    values = column(cases, col, "Int64").astype("Int64").fillna(-1)
    return values.to_numpy(dtype="int64")


def _count(cases, span_rows, policy: Policy, death, legacy, left):
    clk = days.clock(cases["date_of_injury"], cases["year"].to_numpy(), policy, left.day)
    return days.count(span_rows, clk, policy, died=death, legacy_away=legacy[0],
                      legacy_restricted=legacy[1])


def _table(cases, built: Built, children, number, on_log, log_reason, private, why_private,
           outcome, d, itype, death_late) -> pd.DataFrame:
    """The contract's case columns (all but the explanation), one row per case."""
    items = columns.injury_items(children, len(cases))
    out = columns.form_columns(cases, items)
    out.insert(0, "case_key", cases["case_key"].astype("str"))
    out.insert(1, "case_number", number)
    out.insert(2, "establishment_code", cases["establishment_code"].astype("str"))
    out.insert(3, "year", cases["year"].astype("int64"))
    out["on_log"] = on_log
    out["log_reason"] = pd.Series(log_reason, index=cases.index, dtype="str")
    out["privacy"] = private
    out["log_name"] = out["employee_name"].where(~private, columns.PRIVACY_NAME).astype("str")
    out["privacy_reason"] = pd.Series(why_private, index=cases.index).replace("", pd.NA)
    out["privacy_reason"] = out["privacy_reason"].astype("str")
    description = columns.description(items["items"], cases, children)
    out["description"] = pd.Series(description, index=cases.index).replace("", pd.NA)
    out["description"] = out["description"].astype("str")
    # 1904.29(b)(6)-(7): no text that leaves the confidential files names the person
    out = privacy.scrub_fields(out, private, cases[N.EMP_FIRST], cases[N.EMP_LAST])
    out["description"] = columns.shorten(out["description"])
    out["outcome"] = outcome
    out["days_away"] = pd.array(d["days_away"].to_numpy(), dtype="Int64")
    out["days_restricted"] = pd.array(d["days_restricted"].to_numpy(), dtype="Int64")
    out["days_estimated"] = d["days_estimated"].to_numpy(bool)
    out["itype"] = itype
    out["date_of_death"] = out["date_of_death"].where(~death_late)  # not known at as-of
    return out


def _privacy_parts(cases, built: Built, rows_mask, private, reasons) -> list[pd.DataFrame]:
    rows = np.flatnonzero(rows_mask)
    if not len(rows):
        return []
    then = np.where(private[rows], ": applied (privacy_auto), as 1904.29(b)(7) requires",
                    ": not applied, the employee's name would be on the log; flag it if it "
                    "is one of the kinds of 1904.29(b)(7)").astype(object)
    return [X.part(
        "PRIVACY_SUSPECTED", file=built.files["encounters"],
        line=cases["_opening_line"].to_numpy()[rows], column=N.PRIVACY, case=rows,
        message="looks like a privacy case (" + reasons[rows]
        + ") but incidents.privacy_case is not set" + then,
    )]


def _privacy_basis_parts(cases, file: str, no_basis: np.ndarray,
                         marks: privacy.Marks) -> list[pd.DataFrame]:
    """PRIVACY_NO_BASIS (a flagged injury matching no kind) and PRIVACY_FLAG_UNREADABLE
    (a flag cell the loader rejected). The messages name no one."""
    parts = []
    rows = np.flatnonzero(no_basis)
    if len(rows):
        request = marks.reason[rows] == "employee_request"
        parts.append(X.part(
            "PRIVACY_NO_BASIS", file=file, line=cases["_opening_line"].to_numpy()[rows],
            column=N.PRIVACY, case=rows,
            message="privacy case on an injury (type M1) that matches none of the kinds of "
            "1904.29(b)(7)(i)-(v) in the data" + np.where(
                request, " (privacy_reason employee_request applies only to illnesses, "
                "1904.29(b)(7)(vi))", "").astype(object)
            + ": the list is complete (1904.29(b)(8)), so the data show no basis; the case is "
            "kept private (fail safe): check the flag",
        ))
    bad = marks.rejects
    if len(bad):
        parts.append(X.part(
            "PRIVACY_FLAG_UNREADABLE", file=file, line=bad["line"].to_numpy(),
            column=N.PRIVACY, case=bad["_case"].to_numpy(),
            message="incidents.privacy_case '" + obj(bad["value"]) + "' is not a flag the "
            "loader could read: any value that is not clearly no keeps the case private "
            "(fail safe); correct the value",
        ))
    return parts


def _rule_parts(built: Built, span_out: pd.DataFrame, d: pd.DataFrame,
                policy: Policy) -> list[pd.DataFrame]:
    """ABSENCE_NOT_RECOMMENDED (employer absence days the physician's recommendations drop)
    and EXPECTED_END_PASSED (an open span counted to an expected end before the as-of
    date)."""
    parts: list[pd.DataFrame] = []
    if policy.eh_compat or span_out.empty:
        return parts
    dropped = d["employer_dropped"].to_numpy()
    cut = span_out[span_out["decided_from"].notna().to_numpy()
                   & (dropped[span_out["_case"].to_numpy()] > 0)]
    cut = cut.drop_duplicates("_case")
    if len(cut):
        c = cut["_case"].to_numpy()
        parts.append(X.part(
            "ABSENCE_NOT_RECOMMENDED", file=built.files["accommodations"],
            line=cut["_line"].to_numpy(), column=N.A_END, case=c,
            message=num(dropped[c]) + " day(s) of the employer's absence records are not "
            "counted as days away: from " + iso(cut["decided_from"]) + " the physician's "
            "recommendations (restrictions file) decide, and they do not keep the employee "
            "away on those days (" + days.WHO_DECIDES + "); see the case's explanation",
        ))
    stop = d["open_end"].to_numpy()[span_out["_case"].to_numpy()]  # where open spans stop
    passed = span_out[span_out["expected"].to_numpy(bool)
                      & (span_out["est_end"].to_numpy() < stop)]
    for file, block in passed.groupby("_file", sort=False):
        parts.append(X.part(
            "EXPECTED_END_PASSED", file=file, line=block["_line"].to_numpy(),
            column=N.R_EST_END, case=block["_case"].to_numpy(),
            message=shown(block["label"]) + " row "
            + shown(block["ext_id"]) + " is still open at the as-of "
            "date " + iso(stop[block.index.to_numpy()]) + " but its expected end "
            + iso(block["est_end"]) + " has passed: counted to the expected end; give its "
            "end date or a new expected end",
        ))
    return parts


def _legacy_parts(cases, built: Built, d, la, lr) -> list[pd.DataFrame]:
    """Legacy totals that differ from the spans (the spans are used)."""
    k, l_ = d["days_away"].to_numpy(), d["days_restricted"].to_numpy()
    differ = d["has_spans"].to_numpy() & (((la >= 0) & (la != k)) | ((lr >= 0) & (lr != l_)))
    rows = np.flatnonzero(differ)
    if not len(rows):
        return []
    return [X.part(
        "LEGACY_DAYS_MISMATCH", file=built.files["encounters"],
        line=cases["_opening_line"].to_numpy()[rows], column=N.LEGACY_AWAY, case=rows,
        message="legacy totals days_away=" + num(la[rows]) + ", days_restricted="
        + num(lr[rows]) + " differ from the spans: K=" + num(k[rows]) + ", L=" + num(l_[rows])
        + " (the spans are used)",
    )]


def _select(keep: np.ndarray, facts: pd.DataFrame, d: pd.DataFrame, span_out: pd.DataFrame):
    """Keep some cases; the spans' case numbers follow."""
    sel = np.flatnonzero(keep)
    renumber = np.full(len(keep), -1, dtype="int64")
    renumber[sel] = np.arange(len(sel))
    spans_kept = span_out[keep[span_out["_case"].to_numpy()]]
    spans_kept = spans_kept.assign(_case=renumber[spans_kept["_case"].to_numpy()])
    return (facts.iloc[sel].reset_index(drop=True), d.iloc[sel].reset_index(drop=True),
            spans_kept)
