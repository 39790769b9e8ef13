"""The plain-language explanation of each case: why it is (not) on the log, which spans
counted and which were dropped, how K and L were computed, the outcome and the type.

This is the one place with a Python loop per case (a person reads the result): the
inputs are gathered as plain arrays first, and each text is one f-string assembly.
"""

from __future__ import annotations

import pandas as pd

from oshakit.cases.classify import OUTCOME_LABELS
from oshakit.cases.policy import Policy
from oshakit.cases.text import iso, obj
from oshakit.schema import ITYPE_LABELS


def span_lines(spans: pd.DataFrame, n: int) -> list[str]:
    """Per case: one line per restriction/accommodation row ('' when the case has none)."""
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


def explain(cases: pd.DataFrame, days: pd.DataFrame, spans: pd.DataFrame, policy: Policy, *,
            encounters_file: str) -> list[str]:
    """One multi-line text per case, in the order of ``cases``.

    ``cases``: the case table plus the facts the table does not show (``_encounters``,
    ``_opening_line``, ``_est_source``, ``_generated``, ``_died``, ``_marked``,
    ``_suspected``, ``_reasons``); ``days``: the day counter's per-case frame.
    """
    n = len(cases)
    cols = zip(
        obj(cases["case_number"]), obj(cases["case_key"]), obj(cases["employee_name"]),
        obj(cases["employee_pat_id"]), iso(cases["date_of_injury"]),
        cases["time_unknown"].to_numpy(bool), obj(cases["time_of_event"]),
        obj(cases["establishment_code"]), cases["_est_source"].to_numpy(object),
        cases["_opening_line"].to_numpy(), cases["_encounters"].to_numpy(),
        cases["_generated"].to_numpy(bool), obj(cases["log_reason"]),
        cases["on_log"].to_numpy(bool), obj(cases["outcome"]), iso(cases["date_of_death"]),
        obj(cases["itype"]), cases["_died"].to_numpy(bool), cases["privacy"].to_numpy(bool),
        cases["_marked"].to_numpy(bool), cases["_suspected"].to_numpy(bool),
        cases["_reasons"].to_numpy(object),
        days["day_source"].to_numpy(object), days["days_estimated"].to_numpy(bool),
        iso(days["open_end"]), days["days_away"].to_numpy(), days["days_restricted"].to_numpy(),
        days["away_total"].to_numpy(), days["restricted_total"].to_numpy(),
        days["away_union"].to_numpy(), days["restricted_union"].to_numpy(),
        days["overlap"].to_numpy(), days["eh_dropped_restricted"].to_numpy(),
        span_lines(spans, n), strict=True,
    )
    return [_one(policy.effective_cap, encounters_file, *row) for row in cols]


def _one(cap, enc_file, number, key, name, pat, injured, time_unknown, time, est, est_src,
         line, encounters, generated, reason, on_log, outcome, death_date, itype, death, privacy,
         marked, suspected, why_private, source, estimated, open_end, k, l_, away, restricted,
         away_union, restricted_union, overlap, eh_dropped, span_text) -> str:
    out = [
        f"Case {number} (key {key}): {name or '(not in employees.csv)'}, employee {pat}, "
        f"injured {injured}{' (time unknown)' if time_unknown else ' at ' + time}.",
        f"Opened by {enc_file} line {line}"
        + (f"; {encounters - 1} more encounter(s) of the case." if encounters > 1 else "."),
    ]
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
    if estimated:
        out.append(f"Estimated: a span with no end date (or past the as-of date) is counted to "
                   f"the as-of date {open_end}; update the log when it ends.")
    if itype:
        out.append(f"Type {itype} ({ITYPE_LABELS.get(itype, '')}) from incidents.osha_itype.")
    else:
        out.append("Type: none (incidents.osha_itype is blank).")
    if privacy and not marked:
        out.append(f"Privacy case applied by privacy_auto (suspected: {why_private}): column B "
                   "reads 'Privacy Case' and F names no one.")
    elif marked:
        out.append("Privacy case (incidents.privacy_case = 1): column B reads 'Privacy Case' "
                   "and F names no one.")
    elif suspected:
        out.append(f"Looks like a privacy case ({why_private}) but is not marked: see the "
                   "exceptions.")
    if span_text:
        out.append(span_text)
    return "\n".join(out)


def _cap(before: int, after: int, cap: str) -> str:
    return f"; capped to {after} (cap {cap})" if before != after else ""
