"""Severe events the employer must report to OSHA directly (1904.39; recordkeeping.md §11).

These reports are not made through the log or the ITA, so the kit lists every case in the
data that looks like one, as an exception of its own code, with the deadline and the data
that triggered it:

- ``SEVERE_FATALITY`` (1904.39(a)(1)): a work-related death within 30 days of the incident
  (1904.39(b)(6)); report within 8 hours of learning of it. A death with no date is listed
  too (the 30 days cannot be checked).
- ``SEVERE_HOSPITALIZATION`` (1904.39(a)(2)): an in-patient hospitalization
  (``incidents.hospitalized``, Form 301 item 9). Reportable within 24 hours of learning of
  it when the admission was within 24 hours of the incident (1904.39(b)(6)); the data do
  not say when, so every such case is listed.
- ``SEVERE_AMPUTATION`` (1904.39(a)(2), (b)(11)): the body-part file names an amputation
  (nature or comment), or a condition's ICD-10 code is a traumatic amputation (S48, S58,
  S68, S78, S88, S98, S38.2, S08.81). Avulsions, enucleations, deglovings, scalpings,
  severed ears and broken or chipped teeth are not amputations.
- ``SEVERE_EYE_LOSS`` (1904.39(a)(2)): the physical removal of an eye, enucleation or
  evisceration (OSHA letter of 2014-12-16): the body-part file names it, or ICD-10 S05.7
  (avulsion of eye). Loss of sight alone is not a loss of an eye.

Only cases that may be work-related are listed: work-related ``Yes``, or ``Undetermined``
or blank on an OSHA case type (then the message says "if work-related"). With an as-of
date, a case injured or a death dated after it is not known yet and is not listed. The
exceptions of 1904.39(b)(3)-(5) (a motor vehicle accident on a public road outside a
construction work zone, a commercial or public transportation system; a hospitalization
for observation or diagnostic testing only) are named in each message: the data cannot
tell them.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from oshakit.cases import exceptions as X
from oshakit.cases import names as N
from oshakit.cases.text import clean, column, iso, obj, per_unique

AMPUTATION = r"amputat"
NOT_AMPUTATION = r"avuls|enucleat|deglov|scalp|\bear\b|\bears\b|tooth|teeth|nail"
EYE_LOSS = (r"enucleat|eviscerat\w*\s+(?:of\s+)?(?:the\s+)?(?:left\s+|right\s+)?eye"
            r"|loss\s+of\s+(?:an?\s+|the\s+)?(?:left\s+|right\s+)?eye\b(?!\s*sight)"
            r"|eye\s+(?:removed|removal)")
ICD10_AMPUTATION = r"^(?:S[4-9]8|S38\.?2|S08\.?81)"
ICD10_EYE_LOSS = r"^S05\.?7"
PUBLIC_ROAD = ("unless 1904.39(b)(3)-(4) applies (a motor vehicle accident on a public road "
               "outside a construction work zone, or a commercial or public transportation "
               "system)")
CALL = "to OSHA by phone (1-800-321-6742 or the area office) or online (1904.39(a)(3))"


def _match(s: pd.Series, pattern: str) -> np.ndarray:
    def contains(u: pd.Series) -> pd.Series:
        return u.str.contains(pattern, flags=re.IGNORECASE, regex=True).fillna(False).astype(bool)

    return per_unique(s, contains).to_numpy(dtype=bool)


def _first(case: np.ndarray, hit: np.ndarray, n: int) -> np.ndarray:
    """Per case: the position of its first matching row (-1 for none)."""
    out = np.full(n, -1, dtype="int64")
    rows = np.flatnonzero(hit)[::-1]  # assigned last-first, so the first row wins
    out[case[rows]] = rows
    return out


class _Found:
    """Per case: the text, file, line and column of the row that triggered an event."""

    def __init__(self, n: int) -> None:
        self.text = np.full(n, "", dtype=object)
        self.file = np.full(n, "", dtype=object)
        self.line = np.full(n, -1, dtype="int64")
        self.column = np.full(n, "", dtype=object)

    def fill(self, at: np.ndarray, text: pd.Series, file: str, lines: np.ndarray,
             column_name: str) -> None:
        new = (self.text == "") & (at >= 0)
        rows = at[new]
        self.text[new] = obj(text.iloc[rows])
        self.file[new] = file
        self.line[new] = lines[rows]
        self.column[new] = column_name


def _live(frame: pd.DataFrame) -> pd.DataFrame:
    keep = frame["_case"].to_numpy() >= 0
    if "_late" in frame:
        keep &= ~frame["_late"].to_numpy(bool)
    return frame[keep]


def _body(children: dict[str, pd.DataFrame], files: dict[str, str], n: int
          ) -> tuple[_Found, _Found]:
    """Per case: the body-part or condition row naming an amputation, an eye removal."""
    amp, eye = _Found(n), _Found(n)
    nibp = children.get("nibp")
    if nibp is not None:
        nibp = _live(nibp)
        case, lines = nibp["_case"].to_numpy(), nibp["_line"].to_numpy()
        for col in (N.N_NATURE, N.N_COMMENT):
            s = clean(column(nibp, col))
            hits = (_match(s, AMPUTATION) & ~_match(s, NOT_AMPUTATION), _match(s, EYE_LOSS))
            rows = np.flatnonzero(hits[0] | hits[1])
            if not len(rows):
                continue
            sub = nibp.iloc[rows]
            label = pd.Series("", index=nibp.index, dtype=object)
            label.iloc[rows] = ("incident_nibp '" + (
                clean(column(sub, N.N_NATURE)).fillna("") + ", "
                + clean(column(sub, N.N_PART)).fillna("") + ", "
                + clean(column(sub, N.N_COMMENT)).fillna("")).str.strip(", ") + "'").to_numpy()
            for found, hit in zip((amp, eye), hits, strict=True):
                found.fill(_first(case, hit, n), label, files["nibp"], lines, col)
    cond = children.get("conditions")
    if cond is not None:
        cond = _live(cond)
        case, lines = cond["_case"].to_numpy(), cond["_line"].to_numpy()
        icd = clean(column(cond, N.C_ICD10)).str.upper()
        hits = (_match(icd, ICD10_AMPUTATION), _match(icd, ICD10_EYE_LOSS))
        rows = np.flatnonzero(hits[0] | hits[1])
        if len(rows):
            label = pd.Series("", index=cond.index, dtype=object)
            label.iloc[rows] = ("condition ICD-10 " + icd.iloc[rows].fillna("") + " '"
                                + clean(column(cond.iloc[rows], N.C_DESC)).fillna("")
                                + "'").to_numpy()
            for found, hit in zip((amp, eye), hits, strict=True):
                found.fill(_first(case, hit, n), label, files["conditions"], lines, N.C_ICD10)
    return amp, eye


def events(cases: pd.DataFrame, crit: pd.DataFrame, children: dict[str, pd.DataFrame],
           death: np.ndarray, unknown: np.ndarray, files: dict[str, str]
           ) -> list[pd.DataFrame]:
    """The 1904.39 exceptions. ``crit``: :func:`classify.criteria`; ``death``: the case's
    employee died (as known at the as-of date); ``unknown``: cases injured after the as-of
    date (not listed); ``files``: kind -> file name."""
    n = len(cases)
    if not n:
        return []
    file = files["encounters"]
    work = crit["work"].fillna("").to_numpy(dtype=object)
    yes = work == "Yes"
    maybe = crit["osha_type"].to_numpy(bool) & np.isin(work, ("Undetermined", ""))
    candidate = (yes | maybe) & ~unknown
    line = cases["_opening_line"].to_numpy()
    # what triggers each event (vectorised over every case)
    died_on = pd.to_datetime(column(cases, N.DEATH_DATE, "datetime64[ns]")).dt.normalize()
    gap = (died_on - cases["date_of_injury"]).dt.days
    dated = died_on.notna().to_numpy()
    within = dated & gap.between(0, 30).fillna(False).to_numpy(bool)
    fatal = candidate & death & (within | ~dated)
    hosp = candidate & (column(cases, N.HOSPITALIZED, "boolean").astype("boolean")
                        .fillna(False).to_numpy(bool))
    amp, eye = _body(children, files, n)
    lost = candidate & ((amp.text != "") | (eye.text != ""))
    # the texts, only for the few cases listed
    need = np.flatnonzero(fatal | hosp | lost)
    if not len(need):
        return []
    cond_text, at, by, death_txt = (np.full(n, "", dtype=object) for _ in range(4))
    cond_text[need] = np.where(yes[need], "work-related", "if work-related (work-relatedness is "
                               + np.where(work[need] == "", "blank", work[need]).astype(object)
                               + ")")
    inc = pd.to_datetime(cases[N.INC].iloc[need])
    known = (cases[N.TIME_KNOWN].iloc[need].astype("boolean").fillna(True).to_numpy(bool)
             if N.TIME_KNOWN in cases else (inc != inc.dt.normalize()).to_numpy(bool))
    at[need] = np.where(known, inc.dt.strftime("%Y-%m-%d %H:%M").to_numpy(dtype=object),
                        iso(inc))
    by[need] = np.where(known, (inc + pd.Timedelta(hours=24)).dt.strftime("%Y-%m-%d %H:%M")
                        .to_numpy(dtype=object),
                        iso(inc + pd.Timedelta(days=1)) + " (the time of the incident is "
                        "unknown)")
    death_txt[need] = np.where(
        dated[need], "death on " + iso(died_on.iloc[need]) + ", "
        + gap.iloc[need].fillna(0).astype("int64").astype(str).to_numpy(dtype=object)
        + " day(s) after the incident of " + at[need],
        "death with no date (incidents.employee_deathdate blank): check it was within 30 "
        "days of the incident of " + at[need])
    parts = []

    def add(code: str, mask: np.ndarray, column_name: str, message) -> None:
        rows = np.flatnonzero(mask)
        if len(rows):
            parts.append(X.part(code, file=file, line=line[rows], column=column_name,
                                case=rows, message=message(rows)))

    # fatality within 30 days of the incident, 8 hours
    add("SEVERE_FATALITY", fatal, N.DIED, lambda r: (
        "1904.39(a)(1) fatality, " + cond_text[r] + ": " + death_txt[r]
        + "; deadline: report " + CALL + " within 8 hours of learning of the death, "
        + PUBLIC_ROAD + "; triggered by incidents.employee_died / employee_deathdate"))

    add("SEVERE_HOSPITALIZATION", hosp, N.HOSPITALIZED, lambda r: (
        "1904.39(a)(2) in-patient hospitalization, " + cond_text[r]
        + ": incidents.hospitalized = 1 for the incident of " + at[r]
        + "; reportable if the admission was within 24 hours of the incident and not for "
        "observation or diagnostic testing only (1904.39(b)(6), (b)(9)-(10)); deadline: "
        "report " + CALL + " within 24 hours of learning of it (by " + by[r]
        + " if learned at the time of the incident), " + PUBLIC_ROAD))

    for code, found, what in (("SEVERE_AMPUTATION", amp, "amputation (1904.39(b)(11))"),
                              ("SEVERE_EYE_LOSS", eye, "loss of an eye")):
        rows = np.flatnonzero(candidate & (found.text != ""))
        pairs = list(zip(found.file[rows], found.column[rows], strict=True))
        for f, col in dict.fromkeys(pairs):
            r = rows[(found.file[rows] == f) & (found.column[rows] == col)]
            parts.append(X.part(
                code, file=f, line=found.line[r], column=col, case=r,
                message="1904.39(a)(2) " + what + ", " + cond_text[r] + ": " + found.text[r]
                + " for the incident of " + at[r] + "; reportable if it occurred within 24 "
                "hours of the incident (1904.39(b)(6)); deadline: report " + CALL
                + " within 24 hours of learning of it (by " + by[r] + " if learned at the time "
                "of the incident), " + PUBLIC_ROAD))
    return parts
