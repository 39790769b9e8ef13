"""The plain-language explanation of each case: why it is (not) on the log, which spans
counted and which were dropped, how K and L were computed and under which rule of 1904.7,
the outcome, the type and the privacy treatment.

This is the one place with a Python loop per case (a person reads the result): the
inputs are gathered as plain arrays first, and each text is one f-string assembly. The
explanation of a privacy case names no one: the employee is "the employee of case <key>",
and text taken from the data (span types, the termination reason) goes through
:func:`privacy.scrub_names`.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from oshakit.cases import termination
from oshakit.cases.classify import OUTCOME_LABELS
from oshakit.cases.days import WHO_DECIDES
from oshakit.cases.policy import Policy
from oshakit.cases.privacy import scrub_names
from oshakit.cases.spans import AWAY, EMPLOYER, PHYSICIAN
from oshakit.cases.text import iso, obj
from oshakit.schema import ITYPE_LABELS


def span_lines(spans: pd.DataFrame, n: int, names=None) -> list[str]:
    """Per case: one line per restriction/accommodation row ('' when the case has none).
    ``names``: per case ``(first, last)`` to scrub from the row labels, or None."""
    out = [""] * n
    if spans.empty:
        return out
    sp = spans.sort_values(["_case", "start", "_line"], kind="stable")
    days = (sp["count_end"] - sp["count_start"]).dt.days.fillna(-1).to_numpy("int64") + 1
    rows = zip(
        sp["_case"].to_numpy(), sp["counted"].to_numpy(bool), obj(sp["_file"]),
        sp["_line"].to_numpy(), obj(sp["label"]), iso(sp["start"]), iso(sp["end"]),
        sp["kind"].to_numpy(object), iso(sp["count_start"]), iso(sp["count_end"]), days,
        obj(sp["why"]), obj(sp["drop"]), strict=True,
    )
    groups: dict[int, list[str]] = {}
    for case, counted, file, line, label, start, end, kind, cs, ce, d, why, drop in rows:
        kind = "days away" if kind == "away" else "restricted/transfer"
        if names is not None and names[case] is not None:
            label = scrub_names(label, *names[case])
        text = f"  - {'counted' if counted else 'dropped'}: {file} line {line}, {label}, " \
               f"{start} to {end or '(no end date)'} ({kind})"
        if counted:
            text += f": counts {cs} to {ce} = {d} day(s)"
            if why != "counted":
                text += f" [{why}]"
        else:
            text += f": {drop or why}"
        groups.setdefault(case, []).append(text)
    for case, texts in groups.items():
        out[case] = "Spans:\n" + "\n".join(texts)
    return out


def _days(start, end) -> set[int]:
    if pd.isna(start) or pd.isna(end) or end < start:
        return set()
    a, b = pd.Timestamp(start).toordinal(), pd.Timestamp(end).toordinal()
    return set(range(a, b + 1))


def ranges(days: set[int]) -> str:
    """Day ordinals as 'YYYY-MM-DD to YYYY-MM-DD, YYYY-MM-DD' runs."""
    out, run = [], []
    for d in sorted(days):
        if run and d == run[-1] + 1:
            run.append(d)
            continue
        if run:
            out.append(run)
        run = [d]
    if run:
        out.append(run)

    def iso_day(d: int) -> str:
        return dt.date.fromordinal(d).isoformat()

    return ", ".join(iso_day(r[0]) if len(r) == 1 else f"{iso_day(r[0])} to {iso_day(r[-1])}"
                     for r in out)


def who_decides(spans: pd.DataFrame, cases: np.ndarray) -> dict[int, list[str]]:
    """For ``cases`` whose days the physician-over-employer rule changed: the lines that list
    each day dropped from the employer's absence records and each day away counted on the
    physician's recommendation that the employer's records show as worked (outside its
    absence records, or on a transfer when it keeps none) (1904.7(b)(3)(ii)-(iii))."""
    out: dict[int, list[str]] = {}
    if spans.empty or not len(cases):
        return out
    sp = spans[spans["_case"].isin(cases)]
    for case, rows in sp.groupby("_case", sort=True):
        employer = rows[(rows["source"] == EMPLOYER) & (rows["kind"] == AWAY)]
        transfers = rows[(rows["source"] == EMPLOYER) & (rows["kind"] != AWAY) & rows["counted"]]
        doctor = rows[(rows["source"] == PHYSICIAN) & (rows["kind"] == AWAY) & rows["counted"]]
        said, lost, doc, working = set(), set(), set(), set()
        for r in employer.itertuples():
            if pd.notna(r.decided_from):
                said |= _days(r.first_day, r.pre_end)
                lost |= _days(max(r.first_day, r.decided_from), r.pre_end)
            elif r.counted:
                said |= _days(r.count_start, r.count_end)
        for r in doctor.itertuples():
            doc |= _days(r.count_start, r.count_end)
        for r in transfers.itertuples():
            working |= _days(r.count_start, r.count_end)
        lines = []
        dropped = lost - doc
        if dropped:
            start = rows["decided_from"].dropna().min()
            lines.append(
                f"Who decides the days away ({WHO_DECIDES}): from {start.date().isoformat()} "
                "the physician's recommendations (restrictions file) cover the case, so the "
                "employer's absence records (accommodations) no longer decide. "
                f"{len(dropped)} day(s) the employer's records show away are not days away: "
                f"{ranges(dropped)} (the physician released the employee or recommended "
                "work — restricted days count in L where a restriction covers them; days the "
                "employee chose to stay home do not count).")
        # the employer's records show the employee at work: outside its absence records
        # when it keeps some for the case, else on a transfer
        added = doc - said if said else doc & working
        if added:
            lines.append(
                f"Who decides the days away ({WHO_DECIDES}): {len(added)} day(s) away on the "
                f"physician's recommendation that the employer's records show as worked: "
                f"{ranges(added)} (recommended days count even if the employee came to "
                "work).")
        if lines:
            out[int(case)] = lines
    return out


def explain(cases: pd.DataFrame, days: pd.DataFrame, spans: pd.DataFrame, policy: Policy, *,
            encounters_file: str) -> list[str]:
    """One multi-line text per case, in the order of ``cases``.

    ``cases``: the case table plus the facts the table does not show (``_encounters``,
    ``_late_encounters``, ``_opening_line``, ``_est_source``, ``_generated``, ``_died``,
    ``_death_late``, ``_death_date``, ``_marked``, ``_suspected``, ``_reasons``,
    ``_no_basis``, ``_why_private``, ``_first``, ``_last``, ``_term_status``,
    ``_term_date``, ``_term_reason``); ``days``: the day counter's per-case frame.
    """
    n = len(cases)
    private = cases["privacy"].to_numpy(bool)
    first, last = obj(cases["_first"]), obj(cases["_last"])
    names = [(first[i], last[i]) if private[i] else None for i in range(n)]
    rules = not policy.eh_compat
    changed = np.flatnonzero((days["employer_dropped"].to_numpy() > 0)
                             | (days["physician_added"].to_numpy() > 0)) if rules else []
    decides = who_decides(spans, changed)
    cols = zip(
        obj(cases["case_number"]), obj(cases["case_key"]), obj(cases["employee_name"]),
        obj(cases["employee_pat_id"]), iso(cases["date_of_injury"]),
        cases["time_unknown"].to_numpy(bool), obj(cases["time_of_event"]),
        obj(cases["establishment_code"]), cases["_est_source"].to_numpy(object),
        cases["_opening_line"].to_numpy(), cases["_encounters"].to_numpy(),
        cases["_late_encounters"].to_numpy(),
        cases["_generated"].to_numpy(bool), obj(cases["log_reason"]),
        cases["on_log"].to_numpy(bool), obj(cases["outcome"]), iso(cases["date_of_death"]),
        obj(cases["itype"]), cases["_died"].to_numpy(bool), cases["_death_late"].to_numpy(bool),
        iso(cases["_death_date"]), private,
        cases["_marked"].to_numpy(bool), cases["_suspected"].to_numpy(bool),
        cases["_reasons"].to_numpy(object), cases["_no_basis"].to_numpy(bool),
        cases["_why_private"].to_numpy(object),
        days["day_source"].to_numpy(object), days["days_estimated"].to_numpy(bool),
        days["expected"].to_numpy(bool), days["expected_days"].to_numpy(),
        iso(days["open_end"]), days["days_away"].to_numpy(), days["days_restricted"].to_numpy(),
        days["away_total"].to_numpy(), days["restricted_total"].to_numpy(),
        days["away_union"].to_numpy(), days["restricted_union"].to_numpy(),
        days["overlap"].to_numpy(), days["eh_dropped_restricted"].to_numpy(),
        cases["_term_status"].to_numpy(object), iso(cases["_term_date"]),
        obj(cases["_term_reason"]), days["term_dropped"].to_numpy(),
        span_lines(spans, n, names), [decides.get(i, []) for i in range(n)], names,
        strict=True,
    )
    return [_one(policy, encounters_file, *row) for row in cols]


def _one(policy, enc_file, number, key, name, pat, injured, time_unknown, time, est, est_src,
         line, encounters, late_encounters, generated, reason, on_log, outcome, death_date,
         itype, death, death_late, death_when, privacy, marked, suspected, suspected_reasons,
         no_basis, why_private, source, estimated, expected, expected_days, open_end, k, l_,
         away,
         restricted, away_union, restricted_union, overlap, eh_dropped, term_status,
         term_date, term_reason, term_dropped, span_text, decides, names) -> str:
    cap = policy.effective_cap
    when = f"injured {injured}{' (time unknown)' if time_unknown else ' at ' + time}"
    if privacy:  # name no one: an internal reference only
        who = f"privacy case, the employee of case {key} (named only in the confidential files)"
    else:
        who = f"{name or '(not in employees.csv)'}, employee {pat}"
    opened = f"Opened by {enc_file} line {line}"
    if encounters > 1:
        opened += f"; {encounters - 1} more encounter(s) of the case"
    if late_encounters:
        opened += (f" ({late_encounters} served after the as-of date: ignored, the records "
                   "as they stood then do not have them)")
    out = [f"Case {number} (key {key}): {who}, {when}.", opened + "."]
    if est_src == "facility":
        out.append(f"Establishment {est}: the encounter's facility code.")
    elif est_src == "employee":
        out.append(f"Establishment {est}: the employee's establishment (no facility code).")
    else:
        out.append("Establishment: none (no facility code, no establishment for the employee).")
    if generated:
        out.append(f"Case number {number} generated (no incidents.case_number): numbered by "
                   "injury date within the establishment-year.")
    out.append(reason[:1].upper() + reason[1:] + ".")
    if on_log:
        why = {
            "G": f"the employee died{' on ' + death_date if death_date else ''}; a death case "
                 "counts no days in K or L",
            "H": f"{away} day(s) away counted",
            "I": f"{restricted} day(s) of restriction or transfer counted, no day away",
            "J": "no death, no day away, no restricted day",
        }[outcome]
        out.append(f"Outcome {outcome} ({OUTCOME_LABELS[outcome]}): {why}.")
    else:
        out.append("Outcome: none (not on the log).")
    if death_late:
        out.append(f"The employee died on {death_when}, after the as-of date: not known to "
                   "the records as they stood then (no G; days counted as for a living "
                   "employee).")
    legacy = source == "legacy"
    if death and away:
        out.append(f"Days away (K) = 0: a death case counts no days ({away} day(s) away "
                   "before the death are not entered).")
    elif legacy and away:
        out.append(f"Days away (K) = {k}: legacy total incidents.days_away (the case has no "
                   f"spans){_cap(away, k, cap)}.")
    elif away:
        out.append(f"Days away (K) = {k}: {away_union} calendar day(s) in the union of the "
                   f"away spans, injury day not counted{_cap(away, k, cap)}.")
    else:
        out.append("Days away (K) = 0: no day away counted.")
    if death and restricted:
        out.append("Days restricted (L) = 0: a death case counts no days.")
    elif legacy and restricted:
        out.append(f"Days restricted (L) = {l_}: legacy total incidents.days_restricted (the "
                   f"case has no spans){_cap(restricted, l_, cap)}.")
    elif restricted_union:
        text = (f"Days restricted (L) = {l_}: {restricted_union} calendar day(s) in the union "
                "of the restriction/transfer spans, injury day not counted")
        if overlap:
            text += f", minus {overlap} day(s) also away (a day away counts as away)"
        if eh_dropped:
            text += ", all dropped because the case has lost time (eh_compat)"
        out.append(text + _cap(restricted, l_, cap) + ".")
    else:
        out.append("Days restricted (L) = 0: no restricted or transfer day counted.")
    out += decides
    if term_status != "none":
        reason_text = scrub_names(term_reason, *names) if names else term_reason
        text = termination.sentence(term_status, term_date, reason_text,
                                    policy.stop_at_termination and not policy.eh_compat,
                                    int(term_dropped))
        if text:
            out.append(text)
    if estimated and expected:
        ahead = (f"; {expected_days} day(s) after the as-of date are counted as expected"
                 if expected_days else "")
        out.append("Estimated (1904.7(b)(3)(ix): the total of days expected): a span still "
                   "running at the as-of date counts to its expected end (est_end_date), one "
                   f"with no expected end to the as-of date {open_end}{ahead}; update the log "
                   "when it ends.")
    elif estimated:
        out.append(f"Estimated: a span with no end date (or past the as-of date) is counted to "
                   f"the as-of date {open_end}; update the log when it ends "
                   "(1904.7(b)(3)(ix)).")
    if itype:
        out.append(f"Type {itype} ({ITYPE_LABELS.get(itype, '')}) from incidents.osha_itype.")
    else:
        out.append("Type: none (incidents.osha_itype is blank).")
    hidden = ("column B reads 'Privacy Case', and the name is removed from columns C, E, F "
              "and the ITA narratives")
    if privacy and not marked:
        out.append(f"Privacy case applied by privacy_auto (suspected: {suspected_reasons}): "
                   f"{hidden} (1904.29(b)(7)).")
    elif privacy:
        out.append(f"Privacy case — {why_private}: {hidden}.")
    elif suspected:
        out.append(f"Looks like a privacy case ({suspected_reasons}) but is not marked: see "
                   "the exceptions.")
    if no_basis:
        out.append("The data show none of the kinds of 1904.29(b)(7)(i)-(v) for this injury, "
                   "and the list is complete (1904.29(b)(8)): kept private (fail safe); see "
                   "the exceptions.")
    if span_text:
        out.append(span_text)
    return "\n".join(out)


def _cap(before: int, after: int, cap: str) -> str:
    return f"; capped to {after} (cap {cap})" if before != after else ""

