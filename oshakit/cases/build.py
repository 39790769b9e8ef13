"""Encounters -> cases: openings, follow-ups, child rows, establishment and log year.

A row whose ``incidents.inc_datetime`` is set opens a case; a later row that repeats
its ``incidents.case_number`` is a follow-up. The case key is the case number, else
the opening encounter's ext_id. Child rows (conditions, restrictions, accommodations,
body parts) attach to a case through their encounter. Everything is vectorised.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from oshakit.cases import exceptions as X
from oshakit.cases import names as N
from oshakit.cases.text import shown
from oshakit.schema import KINDS

#: Role of each encounter row.
OPENING, FOLLOW_UP, DUPLICATE, NO_OPENING, ORDINARY = range(5)
ROLE_LABELS = {
    OPENING: "opening a case",
    FOLLOW_UP: "follow-up of a case",
    DUPLICATE: "duplicate opening (joined to the first case with that number)",
    NO_OPENING: "follow-up whose case number has no opening",
    ORDINARY: "ordinary encounter (no case)",
}
#: What happened to each child row.
ATTACHED, NO_CASE, ORPHAN = range(3)
CHILD_LABELS = {
    ATTACHED: "attached to a case",
    NO_CASE: "attached to an encounter with no case",
    ORPHAN: "orphaned (no such encounter)",
}

EMPLOYEE_FIELDS = [
    N.EMP_FIRST, N.EMP_LAST, N.EMP_BIRTH, N.EMP_HIRE, N.EMP_SEX, N.EMP_JOB,
    N.EMP_STREET, N.EMP_CITY, N.EMP_STATE, N.EMP_ZIP, N.EMP_EST, N.EMP_TERM_DATE,
    N.EMP_TERM_REASON,
]


@dataclass
class Built:
    """Cases and how every input row relates to them."""

    cases: pd.DataFrame  # one row per case, RangeIndex = case number used everywhere ("_case")
    enc_case: np.ndarray  # per encounter row: its case, -1 for none
    enc_role: np.ndarray  # per encounter row: OPENING..ORDINARY
    children: dict[str, pd.DataFrame]  # kind -> rows with "_case", "_fate", "_line"
    files: dict[str, str]  # kind -> file name for exceptions
    establishments_known: bool
    parts: list[pd.DataFrame] = field(default_factory=list)  # exception parts
    encounters: pd.DataFrame | None = None  # the encounters frame, every schema column
    enc_late: np.ndarray | None = None  # per encounter row: a follow-up after the as-of date


DTYPES = {"flag": "boolean", "datetime": "datetime64[ns]", "int": "Int64", "number": "Float64"}


def complete(frame: pd.DataFrame | None, kind: str) -> pd.DataFrame | None:
    """The frame with every schema column of its kind (absent ones all NA, typed)."""
    if frame is None:
        return None
    missing = [c for c in KINDS[kind].columns if c.name not in frame.columns]
    if not missing:
        return frame
    extra = {c.name: pd.Series(pd.NA if c.type in ("flag", "int", "number") else None,
                               index=frame.index, dtype=DTYPES.get(c.type, "str"))
             for c in missing}
    return frame.assign(**extra)


def lines(frame: pd.DataFrame) -> np.ndarray:
    """Input line of each row (header is line 1); position-based when not loaded from CSV."""
    if N.LINE in frame.columns:
        return frame[N.LINE].to_numpy(dtype="int64", na_value=-1)
    return np.arange(2, len(frame) + 2, dtype="int64")


def _text(s: pd.Series) -> pd.Series:
    """Stripped text with blanks as NA."""
    s = s.astype("str").str.strip()
    return s.where(s != "")


def build(bundle, as_of: dt.date | None = None) -> Built:
    """``as_of``: follow-up encounters served after it are not known yet (recordkeeping.md
    §3): they fill no incident field and their child rows are marked ``_late``."""
    enc = complete(bundle["encounters"], "encounters").reset_index(drop=True)
    files = {k: _file_name(bundle, k) for k in ("encounters", *N.CHILD_KINDS)}
    efile = files["encounters"]
    eline = lines(enc)
    n = len(enc)
    opening = enc[N.INC].notna().to_numpy()
    number = _text(enc[N.CASE_NO]) if N.CASE_NO in enc else pd.Series(pd.NA, index=enc.index)
    key = number.where(number.notna(), enc[N.E_ID].astype("str")).where(opening)
    parts: list[pd.DataFrame] = []

    # Openings in file order; a key opened twice keeps its first opening.
    order = np.argsort(eline, kind="stable")
    okeys = key.iloc[order]
    dup = okeys.notna().to_numpy() & okeys.duplicated(keep="first").to_numpy()
    first = opening[order] & ~dup
    open_rows = order[first]
    case_keys = key.to_numpy(dtype=object)[open_rows]
    key_index = pd.Index(case_keys)
    enc_case = np.full(n, -1, dtype="int64")
    enc_role = np.full(n, ORDINARY, dtype="int8")
    enc_case[open_rows] = np.arange(len(open_rows))
    enc_role[open_rows] = OPENING

    dup_rows = order[dup]
    enc_case[dup_rows] = key_index.get_indexer(key.to_numpy(dtype=object)[dup_rows])
    enc_role[dup_rows] = DUPLICATE
    if len(dup_rows):
        first = open_rows[enc_case[dup_rows]]
        inc = enc[N.INC].to_numpy()
        pat = enc[N.E_PAT].astype(str).to_numpy(dtype=object)
        same = (inc[dup_rows] == inc[first]) & (pat[dup_rows] == pat[first])
        parts.append(X.part(
            "DUPLICATE_CASE_NUMBER", file=efile, line=eline[dup_rows], column=N.CASE_NO,
            case=enc_case[dup_rows],
            severity=np.where(same, "warning", "error"),
            message="case " + shown(key.iloc[dup_rows])
            + " is opened again (first opened on line " + eline[first].astype(str).astype(object)
            + np.where(same, ", same employee and injury date and time",
                       ", with another employee or injury date").astype(object)
            + "); this encounter is joined to the first case",
        ))

    follow = ~opening & number.notna().to_numpy()
    f_rows = np.flatnonzero(follow)
    f_case = key_index.get_indexer(number.to_numpy(dtype=object)[f_rows])
    enc_case[f_rows] = f_case
    enc_role[f_rows] = np.where(f_case >= 0, FOLLOW_UP, NO_OPENING)
    lost = f_rows[f_case < 0]
    if len(lost):
        parts.append(X.part(
            "FOLLOWUP_WITHOUT_OPENING", file=efile, line=eline[lost], column=N.CASE_NO, case=-1,
            message="follow-up encounter " + shown(enc[N.E_ID].iloc[lost])
            + " names case " + shown(number.iloc[lost])
            + ", which no encounter opens (no incidents.inc_datetime)",
        ))

    late = _late(enc, enc_role, as_of)
    cases = _case_frame(enc, open_rows, case_keys, enc_case, enc_role, eline, late)
    cases, est_known = _establishment(bundle, cases, efile, parts)
    cases = _overlaps(cases, efile, parts)
    children = {}
    ids = enc[N.E_ID].astype("str")
    index = pd.Index(ids[~ids.duplicated()].to_numpy(dtype=object))
    where = np.flatnonzero(~ids.duplicated().to_numpy())
    for kind in N.CHILD_KINDS:
        frame = complete(bundle.get(kind), kind)
        if frame is not None:
            children[kind] = _attach(kind, frame, index, where, enc_case, late, files[kind],
                                     parts)
    return Built(cases, enc_case, enc_role, children, files, est_known, parts, enc, late)


def _late(enc: pd.DataFrame, role: np.ndarray, as_of: dt.date | None) -> np.ndarray:
    """Follow-ups (and duplicate openings) served after the as-of date."""
    if as_of is None:
        return np.zeros(len(enc), bool)
    served = pd.to_datetime(enc[N.SERV_DATE]).dt.normalize()
    after = (served > pd.Timestamp(as_of)).fillna(False).to_numpy(bool)
    return after & ((role == FOLLOW_UP) | (role == DUPLICATE))


def _file_name(bundle, kind: str) -> str:
    path = getattr(bundle, "files", {}).get(kind)
    return path.name if path is not None else N.filename(kind)


def _case_frame(enc, open_rows, case_keys, enc_case, enc_role, eline, late) -> pd.DataFrame:
    """One row per case from its opening row; blank incident fields filled from follow-ups
    (not from those served after the as-of date)."""
    cases = enc.iloc[open_rows].reset_index(drop=True)
    member = np.flatnonzero(((enc_role == FOLLOW_UP) | (enc_role == DUPLICATE)) & ~late)
    incident_cols = [
        c for c in enc.columns
        if c.startswith(("incidents.", "incident_extended_fields."))
        and c not in (N.INC, N.CASE_NO, N.TIME_KNOWN)
    ]
    if len(member) and incident_cols:
        member = member[np.argsort(eline[member], kind="stable")]
        extra = enc.iloc[member][incident_cols]
        filled = extra.groupby(enc_case[member], sort=False).first()
        missing = cases[incident_cols].isna()
        if missing.to_numpy().any():
            filled = filled.reindex(cases.index)
            for col in incident_cols:
                need = missing[col]
                if need.any() and filled[col].notna().any():
                    cases[col] = cases[col].where(~need, filled[col].astype(cases[col].dtype))
    cases.insert(0, "case_key", pd.array(case_keys, dtype="str"))
    cases["_opening_line"] = eline[open_rows]
    counts = np.bincount(enc_case[enc_case >= 0], minlength=len(cases))
    cases["_encounters"] = counts
    cases["_late_encounters"] = np.bincount(enc_case[(enc_case >= 0) & late],
                                            minlength=len(cases))
    inc = cases[N.INC]
    cases["date_of_injury"] = inc.dt.normalize().astype("datetime64[ns]")
    cases["year"] = inc.dt.year.astype("int64")
    return cases


def _establishment(bundle, cases, efile, parts) -> tuple[pd.DataFrame, bool]:
    """Join the employee; establishment = facility code, else the employee's."""
    emp = complete(bundle.get("employees"), "employees")
    if emp is not None and len(emp):
        emp = emp.drop_duplicates([N.EMP_PAT, N.EMP_PAT_TYPE], keep="first")
        right = emp[[N.EMP_PAT, N.EMP_PAT_TYPE, *[c for c in EMPLOYEE_FIELDS if c in emp]]]
        right = right.assign(_employee_found=True)
        cases = cases.merge(
            right, how="left", left_on=[N.E_PAT, N.E_PAT_TYPE],
            right_on=[N.EMP_PAT, N.EMP_PAT_TYPE], sort=False,
        ).drop(columns=[N.EMP_PAT, N.EMP_PAT_TYPE])
        found = cases["_employee_found"].fillna(False).astype(bool).to_numpy()
        gone = np.flatnonzero(~found)
        if len(gone):
            parts.append(X.part(
                "EMPLOYEE_UNKNOWN", file=efile, line=cases["_opening_line"].to_numpy()[gone],
                column=N.E_PAT, case=gone,
                message="employee " + shown(cases[N.E_PAT].iloc[gone])
                + " (" + shown(cases[N.E_PAT_TYPE].iloc[gone])
                + ") is not in employees.csv: no name, job title or address for the forms",
            ))
        cases = cases.drop(columns="_employee_found")
    for col in EMPLOYEE_FIELDS:
        if col not in cases:
            cases[col] = pd.Series(pd.NA, index=cases.index, dtype=_emp_dtype(col))
    facility = _text(cases[N.FACILITY]) if N.FACILITY in cases else None
    employee_est = _text(cases[N.EMP_EST])
    if facility is None:
        facility = pd.Series(pd.NA, index=cases.index, dtype="str")
    cases["establishment_code"] = facility.where(facility.notna(), employee_est).astype("str")
    cases["_est_source"] = np.where(
        facility.notna(), "facility", np.where(employee_est.notna(), "employee", "none")
    )
    line = cases["_opening_line"].to_numpy()
    none = np.flatnonzero(cases["_est_source"].to_numpy() == "none")
    if len(none):
        parts.append(X.part(
            "ESTABLISHMENT_MISSING", file=efile, line=line[none], column=N.FACILITY, case=none,
            message="no incidents.facility_code and no establishment for the employee: "
            "the case is on no establishment's log",
        ))
    ests = bundle.get("establishments")
    known = ests is not None
    if known:
        codes = set(_text(ests[N.EST_CODE]).dropna())
        code = cases["establishment_code"]
        bad = np.flatnonzero((code.notna() & ~code.isin(codes)).to_numpy())
        if len(bad):
            parts.append(X.part(
                "ESTABLISHMENT_UNKNOWN", file=efile, line=line[bad], column=N.FACILITY, case=bad,
                message="establishment " + shown(code.iloc[bad])
                + " (from the " + np.where(
                    cases["_est_source"].to_numpy()[bad] == "facility",
                    "facility code", "employee's establishment").astype(object)
                + ") is not in establishments.csv",
            ))
    return cases, known


def _emp_dtype(col: str) -> str:
    return "datetime64[ns]" if col in (N.EMP_BIRTH, N.EMP_HIRE, N.EMP_TERM_DATE) else "str"


def _overlaps(cases, efile, parts) -> pd.DataFrame:
    """Several cases for one employee on one date."""
    keys = [N.E_PAT, N.E_PAT_TYPE, "date_of_injury"]
    size = cases.groupby(keys, sort=False, dropna=False)["case_key"].transform("size")
    rows = np.flatnonzero(size.to_numpy() > 1)
    if len(rows):
        parts.append(X.part(
            "OVERLAPPING_CASES", file=efile, line=cases["_opening_line"].to_numpy()[rows],
            column=N.INC, case=rows,
            message="employee " + shown(cases[N.E_PAT].iloc[rows])
            + " has " + shown(size.iloc[rows]) + " cases opened on "
            + cases["date_of_injury"].iloc[rows].dt.strftime("%Y-%m-%d").to_numpy(object)
            + ": one injury logged twice?",
        ))
    return cases


def _attach(kind, frame, index, where, enc_case, late, file, parts) -> pd.DataFrame:
    """Give each child row its case (-1 none) and fate (attached / no case / orphan), and
    ``_late``: recorded at a follow-up served after the as-of date."""
    link = N.encounter_link(kind)
    frame = frame.reset_index(drop=True)
    hit = index.get_indexer(frame[link].astype("str").to_numpy(dtype=object))
    has_enc = hit >= 0
    epos = where[np.where(has_enc, hit, 0)] if len(where) else np.zeros(len(hit), "int64")
    case = np.where(has_enc, enc_case[epos] if len(where) else -1, -1)
    fate = np.where(~has_enc, ORPHAN, np.where(case >= 0, ATTACHED, NO_CASE)).astype("int8")
    frame["_case"], frame["_fate"], frame["_line"] = case, fate, lines(frame)
    frame["_late"] = has_enc & (late[epos] if len(where) else False)
    for code, which, text in (
        ("ORPHAN_CHILD", ORPHAN, " which does not exist in the encounters file"),
        ("CHILD_NO_CASE", NO_CASE, " which belongs to no case"),
    ):
        rows = np.flatnonzero(fate == which)
        if len(rows):
            parts.append(X.part(
                code, file=file, line=frame["_line"].to_numpy()[rows], column=link, case=-1,
                severity="info" if (kind == "conditions" and which == NO_CASE) else None,
                message=f"{kind} row names encounter "
                + shown(frame[link].iloc[rows]) + text,
            ))
    return frame
