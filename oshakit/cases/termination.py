"""When the employee left the company (1904.7(b)(3)(viii)).

"If the employee leaves your company for some reason unrelated to the injury or illness,
such as retirement, a plant closing, or to take another job, you may stop counting days
away from work or days of restriction/job transfer." The input carries it in the optional
``employees.termination_date`` and ``employees.termination_reason``; absent columns change
nothing. Per case, the termination is one of:

- ``unrelated``: a date on or after the injury, known by the as-of date, and a reason known
  to be unrelated (:data:`UNRELATED`: retirement, a plant closing, another job, a layoff,
  or said outright) that does not also name the injury or illness: counting stops after
  that day (unless ``Policy.stop_at_termination`` is off);
- ``related``: the reason names the injury, an illness, a disability, a medical or health
  reason: days keep counting;
- ``no_reason``: a date but no reason, or a reason that says neither (``Resigned``): days
  keep counting (fail safe: the count may stop only for a reason known to be unrelated)
  and an exception asks for the reason;
- ``before_injury``: a date before the injury (a rehire the file does not show?): ignored;
- ``after_as_of``: a date after the as-of (or run) date, not known yet: ignored;
- ``none``: no date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from oshakit.cases import exceptions as X
from oshakit.cases import names as N
from oshakit.cases.days import NAT, day_numbers
from oshakit.cases.policy import Policy
from oshakit.cases.text import clean, column, iso, obj, per_unique

#: A reason known to be unrelated to the injury: said outright, or one of the rule's own
#: examples and their kin (retirement, a plant closing, another job, a layoff, a move).
UNRELATED = (r"\bunrelated\b|\bnot\s+(?:work[- ]?)?related\b|\bnon[- ]?occupational\b"
             r"|\bretire|\b(?:plant|site|store|facility|location)\s+clos|\bclosure\b"
             r"|\b(?:another|new|other)\s+(?:job|position|employer|employment)\b"
             r"|\blaid\s+off\b|\blay-?offs?\b|\breduction\s+in\s+force\b|\brif\b"
             r"|\brelocat|\bmoved\b|\bend\s+of\s+(?:season|contract|assignment)")
#: A reason that names the injury or illness (then days keep counting).
RELATED = (r"injur|\bill(?:ness)?\b|medical|disab|health|work[- ]?related|workers'?\s*comp"
           r"|unable\s+to\s+(?:return|work|perform)|\boccupational\b|accident|pain"
           r"|restriction|accommodat|\bleave\s+exhausted|\bfmla\b")
PARAGRAPH = "1904.7(b)(3)(viii)"


@dataclass
class Terminations:
    """Per case: ``status`` (see the module), ``day`` (int days where counting stops, NAT
    unless ``unrelated``), the ``date`` and ``reason`` as given."""

    status: np.ndarray
    day: np.ndarray
    date: pd.Series
    reason: np.ndarray


def _reading(reasons: pd.Series) -> np.ndarray:
    """Per reason: ``related``, ``unrelated`` or ``no_reason`` (blank, or says neither)."""
    def check(u: pd.Series) -> pd.Series:
        unrelated = u.str.contains(UNRELATED, flags=re.IGNORECASE, regex=True).fillna(False)
        related = u.str.contains(RELATED, flags=re.IGNORECASE, regex=True).fillna(False)
        said = u.str.contains(r"\bunrelated\b|\bnot\s+(?:work[- ]?)?related\b",
                              flags=re.IGNORECASE, regex=True).fillna(False)
        # "Disability retirement": names the illness, so related; "unrelated to the injury"
        # names the injury but says outright it is not
        return pd.Series(np.select([said, related, unrelated],
                                   ["unrelated", "related", "unrelated"],
                                   default="no_reason"), index=u.index, dtype=object)

    return per_unique(reasons, check).to_numpy(dtype=object)


def terminations(cases: pd.DataFrame, policy: Policy) -> Terminations:
    """The termination of each case's employee, read as the module says."""
    date = pd.to_datetime(column(cases, N.EMP_TERM_DATE, "datetime64[ns]")).dt.normalize()
    reason = clean(column(cases, N.EMP_TERM_REASON))
    day = day_numbers(date)
    injury = day_numbers(cases["date_of_injury"])
    known_by = day_numbers([policy.as_of or policy.today])[0]
    has = day != NAT
    reading = _reading(reason)
    status = np.select(
        [~has, day < injury, day > known_by, reason.isna().to_numpy()],
        ["none", "before_injury", "after_as_of", "no_reason"],
        default=reading,
    ).astype(object)
    stops = np.where(status == "unrelated", day, NAT).astype("int64")
    return Terminations(status, stops, date.astype("datetime64[ns]"), obj(reason))


def parts(cases: pd.DataFrame, t: Terminations, span_out: pd.DataFrame, on_log: np.ndarray,
          file: str) -> list[pd.DataFrame]:
    """TERMINATION_NO_REASON where days are counted after a termination with no reason;
    TERMINATION_BEFORE_INJURY for a case on the log whose employee left before the injury."""
    out = []
    line = cases["_opening_line"].to_numpy()
    when = iso(t.date)
    after = np.zeros(len(cases), bool)
    if len(span_out):
        sc = span_out["_case"].to_numpy()
        end = span_out["count_end"].to_numpy()
        term_date = t.date.to_numpy()[sc]
        late = span_out["counted"].to_numpy(bool) & (end > term_date)
        after[sc[late]] = True
    rows = np.flatnonzero((t.status == "no_reason") & after)
    if len(rows):
        out.append(X.part(
            "TERMINATION_NO_REASON", file=file, line=line[rows], column=N.EMP_TERM_REASON,
            case=rows,
            message="the employee left on " + when[rows] + " (employees.termination_date) "
            "but employees.termination_reason " + _given(t.reason[rows]) + ": the days after "
            "it are still counted; if the reason is unrelated to the injury they may stop ("
            + PARAGRAPH + ")",
        ))
    rows = np.flatnonzero((t.status == "before_injury") & on_log)
    if len(rows):
        out.append(X.part(
            "TERMINATION_BEFORE_INJURY", file=file, line=line[rows], column=N.EMP_TERM_DATE,
            case=rows,
            message="employees.termination_date " + when[rows] + " is before the injury on "
            + iso(cases["date_of_injury"].iloc[rows]) + ": ignored (rehired? the days count "
            "as if employed)",
        ))
    return out


def _given(reasons: np.ndarray) -> np.ndarray:
    """'is blank', or the reason quoted with 'does not say ...', per row."""
    return np.array(["is blank" if r is None or r != r else
                     f"('{r}') does not say whether it is unrelated to the injury"
                     for r in reasons], dtype=object)


def sentence(status: str, date: str, reason: str, on: bool, dropped: int) -> str:
    """The explanation's line about the termination ('' when there is none)."""
    quoted = f" ('{reason}')" if reason else ""
    if status == "unrelated" and on:
        text = (f"The employee left on {date}{quoted}, for a reason unrelated to the injury: "
                f"no day after it counts ({PARAGRAPH})")
        return text + (f"; {dropped} day(s) after it not counted." if dropped else ".")
    if status == "unrelated":
        return (f"The employee left on {date}{quoted}, for a reason unrelated to the injury; "
                f"the policy stop_at_termination is off, so days count on ({PARAGRAPH} "
                "lets the count stop there).")
    if status == "related":
        return (f"The employee left on {date}{quoted}: the reason names the injury or "
                f"illness, so days keep counting ({PARAGRAPH} stops the count only for an "
                "unrelated reason).")
    if status == "no_reason":
        return (f"The employee left on {date}{quoted}; employees.termination_reason "
                f"{'does not say whether it is unrelated to the injury' if reason else 'is blank'}"
                f": days keep counting until the reason is known ({PARAGRAPH}).")
    if status == "before_injury":
        return (f"employees.termination_date {date} is before the injury: ignored.")
    if status == "after_as_of":
        return f"The employee left on {date}, after the as-of date: not known yet, ignored."
    return ""
