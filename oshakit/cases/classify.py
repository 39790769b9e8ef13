"""On the log or not (§1), the outcome column G–J (§2), the type M1–M6 (§4), and the
contradictions between them, all vectorised over cases."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from oshakit.cases import exceptions as X
from oshakit.cases import names as N
from oshakit.cases.text import clean, column, iso, num, obj, when
from oshakit.schema import ITYPES, OSHA_CASE_TYPES

OUTCOME_LABELS = {
    "G": "death",
    "H": "days away from work",
    "I": "job transfer or restriction",
    "J": "other recordable case",
}


def died(cases: pd.DataFrame, as_of: dt.date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(died, died after the as-of date). A death dated after the as-of date is not known
    to the run (recordkeeping.md §3): no G, days counted as for a living employee. A death
    flag with no date stays a death (its date is unknown, not later)."""
    flag = column(cases, N.DIED, "boolean").astype("boolean").fillna(False).to_numpy(bool)
    date = pd.to_datetime(column(cases, N.DEATH_DATE, "datetime64[ns]")).dt.normalize()
    death = flag | date.notna().to_numpy()
    late = np.zeros(len(cases), bool)
    if as_of is not None:
        late = (date > pd.Timestamp(as_of)).fillna(False).to_numpy(bool)
    return death & ~late, late


def injured_after(cases: pd.DataFrame, as_of: dt.date | None) -> np.ndarray:
    """Cases injured after the as-of date: the records as they stood then do not know them."""
    if as_of is None:
        return np.zeros(len(cases), bool)
    return (cases["date_of_injury"] > pd.Timestamp(as_of)).fillna(False).to_numpy(bool)


def criteria(cases: pd.DataFrame) -> pd.DataFrame:
    """The four §1 tests (plus: an establishment to log it on) per case."""
    case_type = clean(column(cases, N.CASE_TYPE))
    work = clean(column(cases, N.WORK_REL))
    rec = column(cases, N.RECORDABLE, "datetime64[ns]")
    return pd.DataFrame({
        "case_type": case_type,
        "work": work,
        "osha_type": (case_type.isna() | case_type.isin(OSHA_CASE_TYPES)).to_numpy(bool),
        "work_related": work.eq("Yes").fillna(False).to_numpy(bool),
        "recordable": rec.notna().to_numpy(),
        "recordable_date": pd.to_datetime(rec).dt.normalize(),
        "has_establishment": cases["establishment_code"].notna().to_numpy(),
    }, index=cases.index)


def log_status(cases: pd.DataFrame, crit: pd.DataFrame, after: np.ndarray | None = None,
               as_of: dt.date | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(on_log, log_reason). ``after``: cases injured after the ``as_of`` date, kept in the
    case table but on no log and no 300A, with the reason."""
    after = np.zeros(len(cases), bool) if after is None else np.asarray(after, bool)
    on = (crit["osha_type"] & crit["work_related"] & crit["recordable"]
          & crit["has_establishment"]).to_numpy(bool) & ~after
    ctype = obj(crit["case_type"])
    work = obj(crit["work"], na="blank")
    est = obj(cases["establishment_code"])
    year = num(cases["year"])
    type_text = when(ctype == "", "blank case type", "case type " + ctype)
    yes = ("on the log of " + est + " for " + year + ": " + type_text
           + " (OSHA), work-related Yes, determined recordable on "
           + iso(crit["recordable_date"]))
    off = np.flatnonzero(~on)
    texts = zip(crit["osha_type"].to_numpy(bool)[off], crit["work_related"].to_numpy(bool)[off],
                crit["recordable"].to_numpy(bool)[off],
                crit["has_establishment"].to_numpy(bool)[off], ctype[off], work[off],
                after[off], strict=True)
    later = (f"injured after the as-of date {as_of.isoformat()} (the records as they stood on "
             "that date do not know it yet)") if as_of else ""
    yes[off] = ["not on the log: " + "; ".join(filter(None, (
        later if a else "",
        "" if t else f"case type {c} is not an OSHA case",
        "" if w else f"work-related is {v}, not Yes",
        "" if r else "no recordable date (incidents.osha_completed_dt)",
        "" if e else "no establishment to log it on",
    ))) for t, w, r, e, c, v, a in texts]
    return on, yes


def outcome(on_log: np.ndarray, death: np.ndarray, days: pd.DataFrame) -> pd.Series:
    """Most serious wins: G death > H days away > I restriction > J other; NA off the log.

    ``days``: the day counter's per-case frame (days before the cap decide the column).
    """
    away, restricted = days["away_total"].to_numpy(), days["restricted_total"].to_numpy()
    code = np.select([death, away > 0, restricted > 0], ["G", "H", "I"], default="J")
    return pd.Series(np.where(on_log, code, None), dtype="str")


def itype(cases: pd.DataFrame) -> pd.Series:
    raw = clean(column(cases, N.ITYPE))
    return raw.str.upper().map(ITYPES).astype("str")


def contradictions(cases: pd.DataFrame, crit: pd.DataFrame, on_log: np.ndarray,
                   death: np.ndarray, away_total: np.ndarray, m: pd.Series, file: str
                   ) -> list[pd.DataFrame]:
    """The §1/§2/§4 exceptions."""
    parts = []
    line = cases["_opening_line"].to_numpy()
    rec = crit["recordable"].to_numpy(bool)
    work = crit["work"]
    def rec_date(rows):
        return iso(crit["recordable_date"].iloc[rows])

    def add(code, mask, column, message):
        """``message``: text, or a function of the selected rows giving the texts."""
        rows = np.flatnonzero(mask)
        if len(rows):
            msg = message(rows) if callable(message) else message
            parts.append(X.part(code, file=file, line=line[rows], column=column, case=rows,
                                message=msg))

    undetermined = work.eq("Undetermined").fillna(False).to_numpy(bool)
    add("RECORDABLE_NOT_WORK_RELATED", rec & ~crit["work_related"].to_numpy() & ~undetermined,
        N.WORK_REL, lambda r: "recordable date " + rec_date(r) + " is set but work-related is "
        + obj(work.iloc[r], na="blank") + ": the case is kept off the log")
    add("RECORDABLE_UNDETERMINED", rec & undetermined, N.WORK_REL,
        lambda r: "recordable date " + rec_date(r) + " is set but work-relatedness is "
        "Undetermined: the case is kept off the log until it is decided")
    hosp = (cases[N.HOSPITALIZED].astype("boolean").fillna(False).to_numpy(bool)
            if N.HOSPITALIZED in cases else np.zeros(len(cases), bool))
    serious = (away_total > 0) | death | hosp

    def serious_text(r):
        what = [", ".join(filter(None, (f"{a} day(s) away" if a else "", "a death" if d else "",
                                        "a hospitalization" if h else "")))
                for a, d, h in zip(away_total[r], death[r], hosp[r], strict=True)]
        return (np.array(what, dtype=object)
                + " but no recordable date (incidents.osha_completed_dt): is it recordable?")

    add("SERIOUS_NOT_RECORDABLE", serious & ~rec & crit["osha_type"].to_numpy(), N.RECORDABLE,
        serious_text)
    add("NON_OSHA_TYPE_RECORDABLE", rec & ~crit["osha_type"].to_numpy(), N.CASE_TYPE,
        lambda r: "case type " + obj(crit["case_type"].iloc[r])
        + " is not an OSHA case but has recordable date " + rec_date(r))
    before = (crit["recordable_date"] < cases["date_of_injury"]).fillna(False).to_numpy(bool)
    add("RECORDABLE_BEFORE_INJURY", before, N.RECORDABLE,
        lambda r: "recordable date " + rec_date(r) + " is before the injury on "
        + iso(cases["date_of_injury"].iloc[r]))
    add("MISSING_ITYPE", on_log & m.isna().to_numpy(), N.ITYPE,
        "recordable case with no incidents.osha_itype: column M stays blank and the 300A "
        "check M1..M6 = G..J will fail")
    no_date = death & (cases[N.DEATH_DATE].isna().to_numpy() if N.DEATH_DATE in cases else True)
    add("DEATH_NO_DATE", no_date, N.DEATH_DATE,
        "incidents.employee_died is set but incidents.employee_deathdate is blank "
        "(Form 301 item 18)")
    return parts
